package ui

import (
	"bytes"
	"runtime/trace"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// TestTracedPassesEverythingOn: wrapped, a renderer prints exactly what it
// prints alone.
func TestTracedPassesEverythingOn(t *testing.T) {
	var plain, wrapped bytes.Buffer
	sample(NewJSON(&plain))
	sample(NewTraced(NewJSON(&wrapped)))
	if plain.String() != wrapped.String() {
		t.Fatalf("wrapped output differs:\n%s\nwant:\n%s", wrapped.String(), plain.String())
	}
}

// TestTracedWritesTasks traces a small run and looks for the task types
// and log messages in the trace's string table (the strings are stored
// as they are; the e2e test reads the file with 'go tool trace').
func TestTracedWritesTasks(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is already on (go test -trace?): %v", err)
	}
	var out bytes.Buffer
	r := NewTraced(NewJSON(&out))
	h := ev.Header{Demo: "deadlock", Seed: 3}
	r.Begin(h)
	r.Event(ev.Event{T: time.Millisecond, Actor: "philosopher-1", Kind: ev.Acquire, Msg: "took fork-a", Attrs: map[string]any{"lock": "fork-a"}})
	r.Event(ev.Event{T: 2 * time.Millisecond, Actor: "philosopher-1", Kind: ev.Wait, Msg: "for fork-b"})
	r.Event(ev.Event{T: 3 * time.Millisecond, Actor: "philosopher-2", Kind: ev.Start, Msg: "sits down"})
	r.Event(ev.Event{T: 4 * time.Millisecond, Kind: ev.Phase, Msg: "part two"})
	r.Event(ev.Event{T: 5 * time.Millisecond, Actor: "philosopher-1", Kind: ev.Wake, Msg: "got fork-b"})
	r.Event(ev.Event{T: 6 * time.Millisecond, Actor: "philosopher-1", Kind: ev.Release, Msg: "put fork-a down"})
	r.Event(ev.Event{T: 7 * time.Millisecond, Actor: "philosopher-1", Kind: ev.Done, Msg: "ate"})
	r.End(h, ev.Result{Verdict: "lesson shown: somebody ate"}, 8*time.Millisecond)
	trace.Stop()
	if len(r.actors) != 0 || r.run != nil {
		t.Errorf("tasks left open after End: %d actors, run %v", len(r.actors), r.run != nil)
	}
	for _, want := range []string{
		TaskType("deadlock"), ActorTaskType("philosopher-1"), ActorTaskType("philosopher-2"),
		"hold: fork-a", "took fork-a", "for fork-b", "got fork-b", "part two", "lesson shown: somebody ate",
	} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("the trace has no %q", want)
		}
	}
}

// TestTracedFailClosesTasks: a failed run ends its open waits and holds.
func TestTracedFailClosesTasks(t *testing.T) {
	var out bytes.Buffer
	r := NewTraced(NewJSON(&out))
	h := ev.Header{Demo: "deadlock"}
	r.Begin(h)
	r.Event(ev.Event{Actor: "a", Kind: ev.Acquire, Msg: "x"})
	r.Event(ev.Event{Actor: "a", Kind: ev.Wait, Msg: "y"})
	r.Event(ev.Event{Actor: "a", Kind: ev.Wake, Msg: "z"}) // ends the wait
	r.Event(ev.Event{Actor: "a", Kind: ev.Wake, Msg: "z"}) // a wake with no wait open: nothing to end
	r.Event(ev.Event{Actor: "a", Kind: ev.Wait, Msg: "y"})
	if a := r.actors["a"]; a == nil || len(a.waits) != 1 || len(a.holds) != 1 {
		t.Fatalf("actor a: %+v, want one wait and one hold open", a)
	}
	r.Fail(h, "watchdog", 1)
	if len(r.actors) != 0 || r.run != nil {
		t.Errorf("tasks left open after Fail")
	}
}
