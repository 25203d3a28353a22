// Package procfork is scenario P3: a child process gets a copy of the
// parent's value, not the value itself; a change on either side stays on
// that side.
package procfork

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const roleChild = "proc fork/child"

// beat is the story-seconds of each pause for reading (see run).
const beat = 4

// Options are the scenario's knobs.
type Options struct {
	Value int // what the parent holds at the start
}

// Metrics are what the scenario measured.
type Metrics struct {
	Value            int     `json:"value"`              // the parent's value at the start (--value)
	ParentAfter      int     `json:"parent_after"`       // the parent's value after it decremented its own
	ChildFirst       int     `json:"child_first"`        // what the child saw first, measured in the child
	ChildLater       int     `json:"child_later"`        // what the child saw after the parent's change, measured in the child
	ChildSet         int     `json:"child_set"`          // what the child then set its own copy to
	ParentAtEnd      int     `json:"parent_at_end"`      // the parent's value after the child changed its copy and exited
	Pid              int     `json:"pid"`                // the child's process id
	ParentChangedMs  float64 `json:"parent_changed_ms"`  // when the parent decremented (scenario clock)
	ChildLookedMs    float64 `json:"child_looked_ms"`    // when the child looked the second time (same clock)
	LookedAfterwards bool    `json:"looked_afterwards"`  // the child's second look came after the parent's change
	CopyIndependent  bool    `json:"copy_independent"`   // the child's copy did not follow the parent, nor the parent the child
	ChildCopyAddress string  `json:"child_copy_address"` // where the child keeps its copy (an address in its own memory)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc fork", ID: "P3",
		Title:  "Processes do not share memory: a child works on a copy of the parent's value",
		Python: "a global changed in the parent after Process(...).start(); os.fork()",
		Go:     "a child process gets its copy through its arguments; nothing changes it afterwards",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Value, "value", "the value the parent holds at the start", 10, -1000, 1000)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/procfork/procfork.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{roleChild: child},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "copies independent", Class: demos.Interesting, Desc: "the child kept its copy after the parent's change, and the parent kept its own",
				When: func(_ *Options, m Metrics) bool { return m.CopyIndependent && m.LookedAfterwards }},
			{Name: "looked too early", Class: demos.Forbidden, Desc: "the child's second look came before the parent's change (the start line failed)",
				When: func(_ *Options, m Metrics) bool { return !m.LookedAfterwards }},
			{Name: "shared", Class: demos.Forbidden, Desc: "a change crossed between the processes",
				When: func(*Options, Metrics) bool { return true }},
		},
	}.Demo()
}

// look is what the child reports each time it reads its copy.
type look struct {
	Value int
	At    time.Duration
	Addr  string
}

// child reads its copy, waits at the start line while the parent changes
// its own, reads its copy again, then changes it.
func child(ctx context.Context, self *proc.Self) error {
	var value int // the child's own copy, in the child's own memory
	if err := self.Args(&value); err != nil {
		return err
	}
	addr := fmt.Sprintf("%p", &value)
	self.Log(ev.Step, fmt.Sprintf("my copy: value = %d (at %s in my memory)", value, addr), "value", value)
	first := look{Value: value, At: self.Now(), Addr: addr}
	if err := self.StartLine(ctx); err != nil { // the parent changes its value meanwhile
		return err
	}
	later := look{Value: value, At: self.Now(), Addr: addr}
	self.Log(ev.Step, fmt.Sprintf("after the parent's change: value = %d", value), "value", value)
	value += 100
	self.Log(ev.Step, fmt.Sprintf("I set my copy to %d", value), "value", value)
	return self.Result([]look{first, later, {Value: value, At: self.Now(), Addr: addr}})
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	value := o.Value
	m := Metrics{Value: value}
	env.Log("parent", ev.Step, fmt.Sprintf("value = %d", value))
	env.Phase("the parent starts a child with its value, then decrements its own")
	c, err := env.Spawn(ctx, roleChild, "child", value) // the child gets a copy: a spawn pickles the arguments
	if err != nil {
		return ev.Result{}, err
	}
	m.Pid = c.Pid
	select {
	case <-c.Ready(): // the child has read its copy and waits
	case <-c.Done():
		return ev.Result{}, fmt.Errorf("the child ended before reading its copy: %v", c.Err())
	case <-ctx.Done():
		return ev.Result{}, demos.Stopped(ctx)
	}
	// Pacing (issue 13): the whole story takes milliseconds; beats between
	// its steps let a class read each one. The child waits meanwhile.
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	value--
	changed := env.Now()
	m.ParentAfter = value
	m.ParentChangedMs = ev.Ms(changed)
	env.Log("parent", ev.Step, fmt.Sprintf("decremented my own: value = %d", value))
	env.Log("parent", ev.Note, "the child waits at a start line: it looks again only after this change")
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	if err := c.Release(); err != nil {
		return ev.Result{}, err
	}
	var looks []look
	if err := c.Result(&looks); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	if len(looks) != 3 {
		return ev.Result{}, fmt.Errorf("the child reported %d looks, want 3", len(looks))
	}
	m.ChildFirst, m.ChildLater, m.ChildSet = looks[0].Value, looks[1].Value, looks[2].Value
	m.ChildLookedMs = ev.Ms(looks[1].At)
	m.ChildCopyAddress = looks[0].Addr
	m.LookedAfterwards = looks[1].At > changed
	m.ParentAtEnd = value
	env.Log("parent", ev.Step, fmt.Sprintf("the child exited; my value = %d", value))
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	return conclude(m), nil
}

func conclude(m Metrics) ev.Result {
	m.CopyIndependent = m.ChildFirst == m.Value && m.ChildLater == m.Value && m.ParentAfter == m.Value-1 &&
		m.ChildSet == m.Value+100 && m.ParentAtEnd == m.Value-1
	res := ev.Result{Metrics: m, Tables: []ev.Table{{Title: "Who saw what", Header: []string{"moment", "parent", "child (measured in the child)"},
		Rows: [][]string{
			{"the child starts", fmt.Sprint(m.Value), fmt.Sprint(m.ChildFirst)},
			{"the parent decrements its own", fmt.Sprint(m.ParentAfter), fmt.Sprint(m.ChildLater)},
			{"the child changes its own", fmt.Sprint(m.ParentAtEnd), fmt.Sprint(m.ChildSet)},
		}}}}
	switch {
	case !m.LookedAfterwards:
		res.Verdict = fmt.Sprintf("the child looked at %.1f ms, before the parent's change at %.1f ms: the run proves nothing", m.ChildLookedMs, m.ParentChangedMs)
	case !m.CopyIndependent:
		res.Verdict = fmt.Sprintf("a change crossed between the processes: parent %d → %d → %d, child %d → %d → %d",
			m.Value, m.ParentAfter, m.ParentAtEnd, m.ChildFirst, m.ChildLater, m.ChildSet)
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("the parent decremented its value to %d, the child still saw %d afterwards; the child set its copy to %d, the parent still has %d",
			m.ParentAfter, m.ChildLater, m.ChildSet, m.ParentAtEnd)
		res.Short = fmt.Sprintf("parent %d, child still %d", m.ParentAfter, m.ChildLater)
	}
	res.Metrics = m
	return res
}
