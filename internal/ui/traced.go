package ui

import (
	"context"
	"fmt"
	"runtime/trace"
	"sync"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Traced is a Renderer that also writes the run into the execution trace
// (runtime/trace, `pardemo --trace FILE`), then hands every call on to the
// renderer it wraps. In `go tool trace` the run is one task, "pardemo
// NAME"; each actor is a task under it, typed "actor NAME"; each event is
// a trace.Log on its actor's task, its category the event's kind
// ("acquire", "wait", …) and its message the event's text. A wait is a
// sub-task "wait" from the wait event to the actor's next wake, and a hold
// a sub-task "hold" from an acquire to the actor's release ("hold: lock-A"
// when the event's attrs name the lock, see docs/json.md), so the trace
// viewer shows how long each actor waited and held.
//
// Tasks, not regions: a region must begin and end on one goroutine, and
// a scenario's events come from whichever goroutine emitted them (the
// Recorder serialises them, it does not move them). A task may end
// anywhere. Tracing must be on (trace.Start) for any of it to be kept;
// with it off the calls cost next to nothing.
type Traced struct {
	Renderer
	mu     sync.Mutex
	ctx    context.Context // the run's task
	run    *trace.Task
	actors map[string]*actorTask
	order  []string
}

// actorTask is one actor's task and its open waits and holds, most recent
// last.
type actorTask struct {
	ctx   context.Context
	task  *trace.Task
	waits []*trace.Task
	holds []*trace.Task
}

// NewTraced wraps inner.
func NewTraced(inner Renderer) *Traced {
	return &Traced{Renderer: inner, ctx: context.Background(), actors: map[string]*actorTask{}}
}

// TaskType is the task type of the run of demo in the trace.
func TaskType(demo string) string { return "pardemo " + demo }

// ActorTaskType is the task type of actor's task in the trace.
func ActorTaskType(actor string) string { return "actor " + actor }

// Begin starts the run's task.
func (t *Traced) Begin(h ev.Header) {
	t.mu.Lock()
	t.ctx, t.run = trace.NewTask(context.Background(), TaskType(h.Demo))
	trace.Log(t.ctx, "seed", fmt.Sprint(h.Seed))
	t.mu.Unlock()
	t.Renderer.Begin(h)
}

// Event logs e under its actor's task (the run's, for an event without an
// actor: a phase, a note from nobody in particular) and opens or closes
// the actor's wait and hold sub-tasks.
func (t *Traced) Event(e ev.Event) {
	t.mu.Lock()
	t.event(e)
	t.mu.Unlock()
	t.Renderer.Event(e)
}

func (t *Traced) event(e ev.Event) {
	if e.Actor == "" {
		trace.Log(t.ctx, string(e.Kind), e.Msg)
		return
	}
	a := t.actors[e.Actor]
	if a == nil {
		a = &actorTask{}
		a.ctx, a.task = trace.NewTask(t.ctx, ActorTaskType(e.Actor))
		t.actors[e.Actor] = a
		t.order = append(t.order, e.Actor)
	}
	logCtx := a.ctx
	switch e.Kind {
	case ev.Wait:
		var sub *trace.Task
		logCtx, sub = trace.NewTask(a.ctx, spanType("wait", e, "lock", "on"))
		a.waits = append(a.waits, sub)
	case ev.Wake:
		a.waits = endLast(a.waits)
	case ev.Acquire:
		var sub *trace.Task
		logCtx, sub = trace.NewTask(a.ctx, spanType("hold", e, "lock"))
		a.holds = append(a.holds, sub)
	case ev.Release:
		a.holds = endLast(a.holds)
	}
	trace.Log(logCtx, string(e.Kind), e.Msg)
	if e.Kind == ev.Done {
		// An actor that said it finished has nothing open any more; a later
		// event from the same name starts a new task.
		a.end()
		delete(t.actors, e.Actor)
	}
}

// spanType is a wait's or a hold's task type: "wait" or "hold", then
// what it is for when the event names it in one of keys ("hold: lock-A",
// "wait: barrier"), so that the trace viewer groups like with like; the
// event's text is logged on the sub-task.
func spanType(what string, e ev.Event, keys ...string) string {
	for _, k := range keys {
		if v, ok := e.Attrs[k]; ok {
			return fmt.Sprintf("%s: %v", what, v)
		}
	}
	return what
}

// endLast ends the most recent open sub-task of a list, if any.
func endLast(open []*trace.Task) []*trace.Task {
	if len(open) == 0 {
		return open
	}
	open[len(open)-1].End()
	return open[:len(open)-1]
}

// end ends the actor's open sub-tasks, then its task.
func (a *actorTask) end() {
	for len(a.waits) > 0 {
		a.waits = endLast(a.waits)
	}
	for len(a.holds) > 0 {
		a.holds = endLast(a.holds)
	}
	a.task.End()
}

// finish ends every open task, actors first, in the order they appeared.
func (t *Traced) finish(how, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, name := range t.order {
		if a := t.actors[name]; a != nil {
			a.end()
			delete(t.actors, name)
		}
	}
	t.order = nil
	if t.run != nil {
		trace.Log(t.ctx, how, msg)
		t.run.End()
		t.run = nil
	}
}

// End closes every task, then renders the result.
func (t *Traced) End(h ev.Header, r ev.Result, wall time.Duration) {
	t.finish("verdict", r.Verdict)
	t.Renderer.End(h, r, wall)
}

// Fail closes every task, then renders the failure.
func (t *Traced) Fail(h ev.Header, msg string, code int) {
	t.finish("failed", msg)
	t.Renderer.Fail(h, msg, code)
}

// Probe is the wrapped renderer's, when it has one (see demos.Execute).
func (t *Traced) Probe() error {
	if p, ok := t.Renderer.(interface{ Probe() error }); ok {
		return p.Probe()
	}
	return nil
}
