package coro

import (
	"context"
	"time"
)

// Clock is the time a Scheduler reads and waits on. RealClock is the
// wall clock (fake time under testing/synctest); a scenario passes its
// story clock, so --speed applies.
type Clock interface {
	Now() time.Duration                               // time since some fixed start
	Sleep(ctx context.Context, d time.Duration) error // wait d, or until ctx ends
}

// RealClock is time.Now and time.Timer, counted from when it was made.
type RealClock struct{ start time.Time }

// NewRealClock starts a RealClock at zero.
func NewRealClock() *RealClock { return &RealClock{start: time.Now()} }

// Now is the time since the clock was made.
func (c *RealClock) Now() time.Duration { return time.Since(c.start) }

// Sleep waits d, or until ctx ends.
func (c *RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Scheduler is a cooperative scheduler on one thread of control: a model
// of gevent's hub. Tasks run one at a time, each until it gives the
// thread back by calling Task.Sleep (gevent.sleep, or any IO gevent has
// patched). While one task sleeps that way, the scheduler runs the
// others, and wakes it when its time is up.
//
// A task that blocks any other way (a plain time.Sleep, an unpatched
// socket) keeps the thread: the scheduler cannot run, so no other task
// can, however long they have been ready. Each task's Delay measures
// exactly that: how long after it was ready to run it actually got the
// thread.
type Scheduler struct {
	Clock Clock
	// OnRun, if set, is called each time a task gets the thread, with the
	// time it had been ready and waiting.
	OnRun func(t *Task, waited time.Duration)
	tasks []*Task
	seq   int // orders tasks ready at the same instant: first come first run
}

// Task is one task of a Scheduler; its body receives it.
type Task struct {
	Name string
	// Runs counts the times the task got the thread.
	Runs int
	// MaxDelay is the longest it waited for the thread after it was
	// ready; TotalDelay adds up every such wait.
	MaxDelay, TotalDelay time.Duration
	// Held is how long it kept the thread, over all its runs.
	Held time.Duration
	// Started and Finished are when its body began and returned, on the
	// scheduler's clock.
	Started, Finished time.Duration

	co      *Coro[struct{}, time.Duration]
	yieldTo func(time.Duration) struct{}
	readyAt time.Duration // when it may run next
	seq     int
	done    bool
}

// Go adds a task (gevent.spawn): body runs when Run gives it the thread,
// ready from now.
func (s *Scheduler) Go(name string, body func(t *Task)) *Task {
	t := &Task{Name: name}
	t.co = New(func(yield func(time.Duration) struct{}) {
		t.yieldTo = yield
		body(t)
	})
	s.ready(t, s.Clock.Now())
	s.tasks = append(s.tasks, t)
	return t
}

// Sleep is the cooperative sleep (gevent.sleep): the task gives the
// thread back to the scheduler and asks to be woken after d. Call it only
// from the task's own body.
func (t *Task) Sleep(d time.Duration) { t.yieldTo(max(d, 0)) }

func (s *Scheduler) ready(t *Task, at time.Duration) {
	t.readyAt, t.seq = at, s.seq
	s.seq++
}

// Run runs the tasks until every one has finished (gevent.joinall), or
// until ctx ends; then it unwinds the unfinished ones and returns ctx's
// cause. It must be called from one goroutine, once.
func (s *Scheduler) Run(ctx context.Context) error {
	defer func() {
		for _, t := range s.tasks {
			t.co.Close()
		}
	}()
	for {
		t := s.earliest()
		if t == nil {
			return nil
		}
		// Nothing can run before t: wait for it (the hub's idle wait).
		if wait := t.readyAt - s.Clock.Now(); wait > 0 {
			if err := s.Clock.Sleep(ctx, wait); err != nil {
				return err
			}
		}
		if err := context.Cause(ctx); err != nil {
			return err
		}
		start := s.Clock.Now()
		waited := max(start-t.readyAt, 0)
		t.Runs++
		t.TotalDelay += waited
		t.MaxDelay = max(t.MaxDelay, waited)
		if t.Runs == 1 {
			t.Started = start
		}
		if s.OnRun != nil {
			s.OnRun(t, waited)
		}
		// The task has the thread until it yields a sleep or returns.
		var d time.Duration
		var more bool
		if t.Runs == 1 {
			d, more = t.co.Next()
		} else {
			d, more = t.co.Send(struct{}{})
		}
		end := s.Clock.Now()
		t.Held += end - start
		if !more {
			t.done, t.Finished = true, end
			continue
		}
		s.ready(t, end+d)
	}
}

// earliest is the unfinished task that may run first: the smallest ready
// time, then the one that became ready first.
func (s *Scheduler) earliest() *Task {
	var best *Task
	for _, t := range s.tasks {
		if t.done {
			continue
		}
		if best == nil || t.readyAt < best.readyAt || (t.readyAt == best.readyAt && t.seq < best.seq) {
			best = t
		}
	}
	return best
}

// Tasks lists the tasks in the order they were added.
func (s *Scheduler) Tasks() []*Task { return s.tasks }
