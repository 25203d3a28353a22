package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 1000000: "1,000,000"} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		500: "500ns", 1500: "1.5µs", 36100 * time.Microsecond: "36.1ms", 1340 * time.Millisecond: "1.34s",
		250 * time.Millisecond: "250ms", 90 * time.Second: "1m30s", -2 * time.Millisecond: "-2ms",
	} {
		if got := Dur(d); got != want {
			t.Errorf("Dur(%v) = %q, want %q", d, got, want)
		}
	}
	if Ms(1234567*time.Nanosecond) != 1.235 {
		t.Errorf("Ms = %v", Ms(1234567*time.Nanosecond))
	}
}

func sample(r Renderer) {
	h := Header{Demo: "race", ID: "S1", Title: "lost updates", Python: "threading.Lock", Go: "sync.Mutex", Seed: 7, Speed: 10,
		Params: []Param{{Name: "lock", Value: "true"}, {Name: "count", Value: "5"}}}
	r.Begin(h)
	r.Event(Event{T: 1500 * time.Millisecond, Actor: "adder", Kind: KindStart, Msg: "adds"})
	r.Event(Event{T: 2 * time.Second, Actor: "light", Kind: KindStep, Msg: "RED", Tone: ToneRed, Attrs: map[string]any{"light": "red"}})
	r.Event(Event{Kind: KindPhase, Msg: "part two"})
	r.End(h, Result{Verdict: "0 lost", Observed: false, Hint: "--count 10", Metrics: map[string]any{"lost": 0},
		Timing: []Timing{{Label: "per update", D: 18}}, Tables: []Table{{Title: "runs", Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}}}, time.Second)
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
		" +1.500s  adder      ▶ adds", "── part two", "per update  18ns",
		"verdict ⚠ 0 lost", "try     --count 10", "runs\n",
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
	j.Fail(Header{Demo: "race"}, "boom", 1)
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
	var ev EventLine
	_ = json.Unmarshal([]byte(lines[0]), &ev)
	if ev.TMs != 1500 || ev.Actor != "adder" || ev.Kind != KindStart || ev.Attrs == nil {
		t.Errorf("event line %+v", ev)
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
	r.Emit(Event{Actor: "a", Msg: "1"})
	r.Emit(Event{Actor: "b", Msg: "2"})
	r.Emit(Event{Actor: "a", Msg: "3"})
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
	r.Emit(Event{Actor: "a", Msg: "before"})
	r.Close(func() { c.Fail(Header{}, "interrupted", 130) })
	r.Emit(Event{Actor: "a", Msg: "after"})
	if len(c.Events) != 1 || len(c.Fails) != 1 {
		t.Fatalf("events %v fails %v", c.Events, c.Fails)
	}
}
