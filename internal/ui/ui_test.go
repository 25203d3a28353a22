package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

func sample(r Renderer) {
	h := ev.Header{Demo: "race", ID: "S1", Title: "lost updates", Python: "threading.Lock", Go: "sync.Mutex", Seed: 7, Speed: 10,
		Params: []ev.Param{{Name: "lock", Value: "true"}, {Name: "count", Value: "5"}}}
	r.Begin(h)
	r.Event(ev.Event{T: 1500 * time.Millisecond, Actor: "adder", Kind: ev.Start, Msg: "adds"})
	r.Event(ev.Event{T: 2 * time.Second, Actor: "light", Kind: ev.Step, Msg: "RED", Tone: ev.ToneRed, Attrs: map[string]any{"light": "red"}})
	r.Event(ev.Event{Kind: ev.Phase, Msg: "part two"})
	r.End(h, ev.Result{Verdict: "0 lost", Observed: false, Hint: "--count 10", Metrics: map[string]any{"lost": 0},
		Timing: []ev.Timing{{Label: "per update", D: 18}}, Tables: []ev.Table{{Title: "runs", Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}}}, time.Second)
}

func TestTextWithoutColour(t *testing.T) {
	var b bytes.Buffer
	sample(NewText(&b, NewTheme(false)))
	out := b.String()
	if strings.Contains(out, "\x1b[") {
		t.Fatalf("colour escapes with colour off:\n%s", out)
	}
	for _, want := range []string{
		"race  ·  S1", "python threading.Lock  →  go sync.Mutex",
		"replay: pardemo race --lock --count 5 --seed 7",
		"  15.00s  adder      ▶ adds", "── part two", "per update  18ns",
		"◇ lesson not shown this run: 0 lost — try --count 10", "runs\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestTextWithColour(t *testing.T) {
	var b bytes.Buffer
	sample(NewText(&b, NewTheme(true)))
	if !strings.Contains(b.String(), "\x1b[31") { // the red light is red
		t.Fatalf("no red escape:\n%q", b.String())
	}
}

func TestJSONLines(t *testing.T) {
	var b bytes.Buffer
	j := NewJSON(&b)
	sample(j)
	j.Fail(ev.Header{Demo: "race"}, "boom", 1)
	j.Summary([]SummaryRow{{Demo: "race", Wall: time.Second, Verdict: "v", Observed: true}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	want := []string{"event", "event", "event", "result", "error", "summary"}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d not JSON: %s", i, l)
		}
		if m["type"] != want[i] {
			t.Errorf("line %d type %v, want %s", i, m["type"], want[i])
		}
	}
	var line EventLine
	_ = json.Unmarshal([]byte(lines[0]), &line)
	if line.TMs != 1500 || line.Actor != "adder" || line.Kind != ev.Start || line.Attrs == nil {
		t.Errorf("event line %+v", line)
	}
	var res ResultLine
	_ = json.Unmarshal([]byte(lines[3]), &res)
	if res.Demo != "race" || res.Seed != 7 || res.Speed != 10 || res.WallMs != 1000 || res.LessonObserved || res.Hint != "--count 10" {
		t.Errorf("result line %+v", res)
	}
}

func TestUseColor(t *testing.T) {
	env := map[string]string{}
	s := &Streams{OutTTY: true, Env: func(k string) string { return env[k] }}
	if !s.UseColor("auto") || s.UseColor("never") {
		t.Error("terminal: auto should colour, never should not")
	}
	env["NO_COLOR"] = "1"
	if s.UseColor("auto") || !s.UseColor("always") {
		t.Error("NO_COLOR turns auto off, not always")
	}
	s.OutTTY, env["NO_COLOR"] = false, ""
	if s.UseColor("auto") {
		t.Error("no terminal: no colour")
	}
}

func TestRecorderLastHeard(t *testing.T) {
	c := &Capture{}
	r := NewRecorder(c)
	r.Emit(ev.Event{Actor: "a", Msg: "1"})
	r.Emit(ev.Event{Actor: "b", Msg: "2"})
	r.Emit(ev.Event{Actor: "a", Msg: "3"})
	got := r.LastHeard()
	if len(got) != 2 || got[0].Msg != "3" || got[1].Msg != "2" || r.Count() != 3 || len(c.Events) != 3 {
		t.Errorf("LastHeard %+v count %d", got, r.Count())
	}
}

// After Close nothing more is rendered: the verdict stays the last line even
// if a goroutine the scenario failed to stop speaks afterwards.
func TestRecorderCloseDropsLateEvents(t *testing.T) {
	c := &Capture{}
	r := NewRecorder(c)
	r.Emit(ev.Event{Actor: "a", Msg: "before"})
	r.Close(func() { c.Fail(ev.Header{}, "interrupted", 130) })
	r.Emit(ev.Event{Actor: "a", Msg: "after"})
	if len(c.Events) != 1 || len(c.Fails) != 1 {
		t.Fatalf("events %v fails %v", c.Events, c.Fails)
	}
}
