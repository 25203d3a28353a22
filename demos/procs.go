package demos

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// ChildRole is the body of a child process of a scenario (see Demo.Children).
type ChildRole = proc.Role

// Spawn starts a real child process — a copy of this binary — playing
// role, named name, given args. Its events join this run's event path with
// the actor "name [pid N]", stamped on this run's clock. The child is
// killed when ctx ends and, whatever the scenario does, killed and reaped
// before the run ends.
func (e *Env) Spawn(ctx context.Context, role, name string, args any) (*proc.Child, error) {
	c, err := proc.Start(ctx, e.spec(role, name, args))
	if err != nil {
		return nil, err
	}
	e.children.add(c)
	return c, nil
}

// SpawnWith is Spawn with a say in how the child is started: edit may set
// the Spec's ExtraFiles (fd 3, 4, … in the child, Self.File), OnOutput
// (the child's raw standard output, line by line) or Stdout (a shared raw
// standard output). The child is reaped like Spawn's.
func (e *Env) SpawnWith(ctx context.Context, role, name string, args any, edit func(*proc.Spec)) (*proc.Child, error) {
	s := e.spec(role, name, args)
	if edit != nil {
		edit(&s)
	}
	c, err := proc.Start(ctx, s)
	if err != nil {
		return nil, err
	}
	e.children.add(c)
	return c, nil
}

// NewPool starts n worker processes playing role (named name-1 … name-n)
// for tasks handed out with Pool.Do. Like Spawn's children they are reaped
// before the run ends; the scenario still closes the pool when it is done.
func (e *Env) NewPool(ctx context.Context, n int, role, name string, args any) (*proc.Pool, error) {
	p, err := proc.NewPool(ctx, n, e.spec(role, name, args))
	if err != nil {
		return nil, err
	}
	for _, c := range p.Workers() {
		e.children.add(c)
	}
	return p, nil
}

// Group starts one child process per member, playing role (or the
// member's own Role), for work that should begin at the same moment in
// every child: each child calls self.StartLine(ctx) first, and the
// scenario lets them all go with Group.Start (or Ready, then Release),
// then waits with Group.Wait — which returns Stopped(ctx) if the run was
// stopped, else the children's errors joined. Like Spawn's children they
// are reaped before the run ends.
func (e *Env) Group(ctx context.Context, role string, members []proc.Member) (*proc.Group, error) {
	return e.GroupWith(ctx, role, members, nil)
}

// GroupWith is Group with a say in how every member is started (see
// SpawnWith); a member's own ExtraFiles come before the group's.
func (e *Env) GroupWith(ctx context.Context, role string, members []proc.Member, edit func(*proc.Spec)) (*proc.Group, error) {
	s := e.spec(role, "", nil)
	if edit != nil {
		edit(&s)
	}
	g, err := proc.StartGroup(ctx, s, members)
	if err != nil {
		return nil, err
	}
	for _, c := range g.Children() {
		e.children.add(c)
	}
	return g, nil
}

// Actor is how a child process appears in the output.
func Actor(c *proc.Child) string { return fmt.Sprintf("%s [pid %d]", c.Name, c.Pid) }

func (e *Env) spec(role, name string, args any) proc.Spec {
	return proc.Spec{Role: role, Name: name, Args: args, Speed: e.Speed, Seed: e.Seed, Epoch: e.rec.Epoch(),
		OnEvent: func(c *proc.Child, x ev.Event) {
			if x.Actor == "" { // a grandchild's event, passed on, names its own actor
				x.Actor = Actor(c)
			}
			if x.Attrs == nil {
				x.Attrs = map[string]any{}
			}
			if _, ok := x.Attrs["pid"]; !ok {
				x.Attrs["pid"] = c.Pid
			}
			e.rec.Emit(x)
		},
		OnBeat: func(*proc.Child) { e.Beat() },
		// A child asleep on the story clock is alive: it wakes by itself.
		OnSleep: func(_ *proc.Child, d time.Duration) { e.childSleeps(d) }}
}

// children remembers every child a run started, so the runner can make
// sure none outlives it.
type children struct {
	mu   sync.Mutex
	list []*proc.Child
}

func (cs *children) add(c *proc.Child) {
	cs.mu.Lock()
	cs.list = append(cs.list, c)
	cs.mu.Unlock()
}

// reap stops every child still running (Child.Stop: stdin closed, then
// killed after proc.StopGrace) and waits (up to limit) until all are
// reaped. It reports the ones that would not die.
func (cs *children) reap(limit time.Duration) []*proc.Child {
	cs.mu.Lock()
	list := cs.list
	cs.mu.Unlock()
	// Politely first (a child that ends by itself reaps its own
	// children), then for good.
	var wg sync.WaitGroup
	for _, c := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Stop(proc.StopGrace)
		}()
	}
	wg.Wait()
	deadline := time.After(limit)
	var stuck []*proc.Child
	for _, c := range list {
		if len(stuck) > 0 { // past the deadline: only look
			select {
			case <-c.Done():
			default:
				stuck = append(stuck, c)
			}
			continue
		}
		select {
		case <-c.Done():
		case <-deadline:
			stuck = append(stuck, c)
		}
	}
	return stuck
}
