package proc

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Member is one child of a Group: the name it is shown by, the arguments
// it gets (Self.Args), and optionally a role of its own.
type Member struct {
	Name string
	Args any
	// Role overrides the group's role for this member, for a group whose
	// children play different parts (a producer and a consumer). Empty
	// means the group's role.
	Role string
	// ExtraFiles are this member's own extra files (Spec.ExtraFiles): the
	// child gets them from fd 3 on, before the group's own, if any.
	ExtraFiles []*os.File
}

// Group is a set of children started together that begin their work at
// the same moment. A process takes milliseconds to start, and not the same
// for each, so children started one after another would otherwise begin
// one after another too: at a high --speed the first could be done before
// the last exists. A group's children wait at a start line instead:
//
//	g, err := StartGroup(ctx, spec, members) // every child: self.StartLine(ctx)
//	err = g.Ready(ctx)                        // all of them are at the line
//	err = g.Release()                         // and off they go, together
//	err = g.Wait(ctx)                         // all finished, errors joined
//
// (Start is Ready and Release in one call.) Between Release and Wait the
// parent may talk to each member (Child.Call) and read each one's result
// afterwards (Child.Result).
type Group struct {
	role     string
	children []*Child
}

// StartGroup starts one child per member, in order, each from spec with
// the member's name and arguments (and role, if it has one). The children
// should call Self.StartLine before their work. If a child cannot be
// started, those already running are killed and reaped, and the error is
// returned.
func StartGroup(ctx context.Context, spec Spec, members []Member) (*Group, error) {
	if len(members) == 0 {
		return nil, fmt.Errorf("a group of %s needs at least one member", spec.Role)
	}
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if m.Name == "" || seen[m.Name] {
			return nil, fmt.Errorf("group of %s: member name %q is empty or given twice", spec.Role, m.Name)
		}
		seen[m.Name] = true
	}
	g := &Group{role: spec.Role}
	for _, m := range members {
		s := spec
		s.Name, s.Args = m.Name, m.Args
		if len(m.ExtraFiles) > 0 {
			s.ExtraFiles = append(append([]*os.File(nil), m.ExtraFiles...), spec.ExtraFiles...)
		}
		if m.Role != "" {
			s.Role = m.Role
		}
		c, err := Start(ctx, s)
		if err != nil {
			g.Kill()
			return nil, err
		}
		g.children = append(g.children, c)
	}
	return g, nil
}

// Role is the group's role (members may override it).
func (g *Group) Role() string { return g.role }

// Children returns the members' processes, in member order.
func (g *Group) Children() []*Child { return g.children }

// Pids returns the members' process ids, in member order.
func (g *Group) Pids() []int {
	out := make([]int, len(g.children))
	for i, c := range g.children {
		out[i] = c.Pid
	}
	return out
}

// Ready waits until every member has reached its start line. If a member
// ends before it gets there, or ctx ends, the race is off: every member is
// killed and reaped, and Ready returns that member's error or the
// context's cause.
func (g *Group) Ready(ctx context.Context) error {
	for _, c := range g.children {
		select {
		case <-c.ready:
			continue
		case <-c.done:
			// Its "ready" line, if it sent one, was read before it was reaped.
			select {
			case <-c.ready:
				continue // it got there; Release or Wait will report its end
			default:
			}
			g.Kill()
			if err := c.Err(); err != nil {
				return fmt.Errorf("before reaching the start line: %w", err)
			}
			return fmt.Errorf("child %s (pid %d) exited before reaching the start line", c.Name, c.Pid)
		case <-ctx.Done():
			g.Kill()
			return context.Cause(ctx)
		}
	}
	return nil
}

// Release lets every member go from the start line, one pipe write each,
// in member order. It returns the errors of members that could not be
// told (they died).
func (g *Group) Release() error {
	var errs []error
	for _, c := range g.children {
		errs = append(errs, c.Release())
	}
	return errors.Join(errs...)
}

// Start is Ready, then Release.
func (g *Group) Start(ctx context.Context) error {
	if err := g.Ready(ctx); err != nil {
		return err
	}
	return g.Release()
}

// Wait waits until every member has exited and been reaped. If ctx ends
// first, the members still running are killed and Wait returns the
// context's cause; otherwise it returns the members' errors, joined (nil
// when all exited successfully).
func (g *Group) Wait(ctx context.Context) error {
	errs := make([]error, len(g.children))
	for i, c := range g.children {
		errs[i] = c.WaitCtx(ctx)
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return errors.Join(errs...)
}

// CloseInput closes every member's standard input: a member in Self.Work
// or Self.Hold finishes. (A member busy with its own work would see its
// context end, so close only when the members are done with it.)
func (g *Group) CloseInput() error {
	var errs []error
	for _, c := range g.children {
		errs = append(errs, c.CloseInput())
	}
	return errors.Join(errs...)
}

// Kill ends every member now and reaps them. It is safe to call at any
// time, also more than once or after the members exited.
func (g *Group) Kill() {
	for _, c := range g.children {
		c.Kill()
	}
	for _, c := range g.children {
		<-c.Done()
	}
}
