package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/internal/ev"
)

func at(ms int, actor string, k ev.Kind, msg string, kv ...any) ev.Event {
	e := ev.Event{T: time.Duration(ms) * time.Millisecond, Actor: actor, Kind: k, Msg: msg}
	if len(kv) > 0 {
		e.Attrs = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Attrs[kv[i].(string)] = kv[i+1]
		}
	}
	return e
}

// lane returns the drawn lane of actor (its label column stripped).
func laneOf(t *testing.T, lines []string, actor string) string {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(l, actor+" ") {
			return strings.TrimLeft(l[len(actor):], " ")
		}
	}
	t.Fatalf("no lane %q in:\n%s", actor, strings.Join(lines, "\n"))
	return ""
}

// The segments land in the columns the events' times say.
func TestWaitWakeAndBy(t *testing.T) {
	events := []ev.Event{
		at(0, "main", ev.Note, "only notes: no lane"),
		at(0, "w", ev.Start, "starts"),
		at(0, "x", ev.Start, "starts"),
		at(10_000, "w", ev.Wait, "waits", ev.AttrOn, "signal"),
		at(50_000, "x", ev.Step, "signals"),
		at(50_000, "w", ev.Wake, "woken", ev.AttrBy, "x"),
		at(70_000, "w", ev.Done, "done"),
	}
	// 80 story-seconds over 79 columns (81, less the label "w" and a space).
	lines := DrawTimeline(events, 80*time.Second, 1, 81, NewTheme(false))
	w := laneOf(t, lines, "w")
	if !strings.HasPrefix(w, strings.Repeat(chRun, 9)+chWait+"signal"+chWait) {
		t.Errorf("w's lane %q: want running, then a wait on signal", w)
	}
	if n := strings.Count(w, chWait) + len("signal"); n < 38 || n > 41 {
		t.Errorf("w waited over %d columns, want about 40 (10s→50s of 80s over 79): %q", n, w)
	}
	if !strings.Contains(w, markers[ev.Wake]) || !strings.HasSuffix(w, markers[ev.Done]) {
		t.Errorf("w's lane %q: want a wake mark and done at its end", w)
	}
	x := laneOf(t, lines, "x")
	if !strings.Contains(x, chWoke) {
		t.Errorf("x woke w but its lane %q has no %s", x, chWoke)
	}
	if strings.Contains(strings.Join(lines, "\n"), "main ") {
		t.Errorf("an actor with only notes got a lane:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(strings.Join(lines, "\n"), "woke (1): x→w 50s") {
		t.Errorf("no woke footnote:\n%s", strings.Join(lines, "\n"))
	}
}

// Nested holds: the inner release ends the named hold, the outer lasts to
// its own release; a wait while holding is drawn as holding+waiting and
// labelled with both.
func TestNestedHoldsAndHoldWait(t *testing.T) {
	events := []ev.Event{
		at(0, "a", ev.Acquire, "takes L1", ev.AttrLock, "L1"),
		at(10_000, "a", ev.Acquire, "takes L2", ev.AttrLock, "L2"),
		at(20_000, "a", ev.Release, "gives L2", ev.AttrLock, "L2"),
		at(30_000, "a", ev.Wait, "wants L3", ev.AttrLock, "L3"),
		at(70_000, "a", ev.Release, "gives up", ev.AttrLock, "L1"),
		at(80_000, "a", ev.Done, "done"),
	}
	trs, _, _ := tracks(events, 80*time.Second)
	if len(trs) != 1 {
		t.Fatalf("tracks %d, want 1", len(trs))
	}
	var got []string
	for _, s := range trs[0].segs {
		got = append(got, fmt.Sprintf("%d:%s %v-%v %v", s.rank, s.label, s.from, s.to, s.held))
	}
	want := []string{
		fmt.Sprintf("%d:L2 10s-20s []", rHold),
		fmt.Sprintf("%d:L3 30s-1m10s [L1]", rWait),
		fmt.Sprintf("%d:L1 0s-1m10s []", rHold),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("segments\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	lines := DrawTimeline(events, 80*time.Second, 1, 90, NewTheme(false))
	a := laneOf(t, lines, "a")
	if !strings.HasPrefix(a, chHold+"L1"+chHold) || !strings.Contains(a, chHoldWait+"holds L1, waits for L3"+chHoldWait) {
		t.Errorf("lane %q: want the hold of L1, then holding+waiting labelled", a)
	}
}

// Too many actors: the numbered ones share a lane per stem, and the count
// shown is the number drawn in it.
func TestGrouping(t *testing.T) {
	var events []ev.Event
	events = append(events, at(0, "producer", ev.Start, "starts"))
	for i := 1; i <= 34; i++ {
		events = append(events, at(i*100, fmt.Sprintf("customer-%d", i), ev.Recv, "took one", ev.AttrEnd, true))
	}
	for i := 1; i <= 3; i++ {
		events = append(events, at(4000, fmt.Sprintf("buyer-%d [pid %d]", i, 100+i), ev.Step, "buys"))
	}
	events = append(events, at(5000, "producer", ev.Done, "done"))
	lines := DrawTimeline(events, 5*time.Second, 10, 80, NewTheme(false))
	joined := strings.Join(lines, "\n")
	for _, want := range []string{"customer-* ×34 ", "buyer-* ×3 ", "producer "} {
		if !strings.Contains(joined, "\n"+want) {
			t.Errorf("no lane %q in:\n%s", want, joined)
		}
	}
	if len(lines) > 30 {
		t.Errorf("%d rows, want ≤ 30", len(lines))
	}
	c := laneOf(t, lines, "customer-* ×34")
	// 34 receives, 0.1 s apart over 50 story-seconds: every one a mark.
	if n := strings.Count(c, markers[ev.Recv]); n < 30 {
		t.Errorf("customer lane %q has %d receive marks, want one per column a customer left in", c, n)
	}
}

// An actor that never says done is drawn running up to its last event,
// then quiet to the end: the drawing does not claim it ran on.
func TestSilentActorGoesQuiet(t *testing.T) {
	events := []ev.Event{
		at(0, "w", ev.Start, "starts"), at(2000, "w", ev.Step, "works"),
		at(0, "d", ev.Start, "starts"), at(2000, "d", ev.Done, "done"),
		at(8000, "main", ev.Step, "still here"),
	}
	lines := DrawTimeline(events, 8*time.Second, 1, 60, NewTheme(false))
	w, d := laneOf(t, lines, "w"), laneOf(t, lines, "d")
	i := strings.Index(w, markers[ev.Step])
	if i < 0 || strings.Contains(w[:i], chQuiet) || strings.Trim(w[i+len(markers[ev.Step]):], chQuiet) != "" {
		t.Errorf("silent lane %q: want running to its last event, then only %s", w, chQuiet)
	}
	if strings.Contains(d, chQuiet) {
		t.Errorf("a lane that said done %q goes quiet", d)
	}
	if joined := strings.Join(lines, "\n"); !strings.Contains(joined, chQuiet+" no more events") {
		t.Errorf("no legend for the quiet tail:\n%s", joined)
	}
}

// A grouped lane shows how many of its actors hold something at once, at
// most, per column: 30 workers through a semaphore of 3, one batch handing
// over to the next at the same instant, read "3" all along — not 6 where
// a batch ends and the next begins in one column.
func TestGroupedLaneCountsHolders(t *testing.T) {
	var events []ev.Event
	for i := range 30 {
		name := fmt.Sprintf("worker-%d", i+1)
		from := (i / 3) * 1000
		events = append(events, at(from, name, ev.Acquire, "in", ev.AttrLock, "permit"),
			at(from+1000, name, ev.Release, "out", ev.AttrLock, "permit"), at(from+1000, name, ev.Done, "done"))
	}
	lines := DrawTimeline(events, 10*time.Second, 7, 80, NewTheme(false))
	lane := laneOf(t, lines, "worker-* ×30")
	if strings.Trim(lane, "3■") != "" || !strings.Contains(lane, "333") {
		t.Errorf("grouped lane %q: want 3 holders in every column (done marks aside)", lane)
	}
	if joined := strings.Join(lines, "\n"); !strings.Contains(joined, "2–9 holding at once") {
		t.Errorf("no legend for the holder counts:\n%s", joined)
	}
	// Two of the group overlapping for one second: "2" there, plain
	// holding where only one holds.
	events = events[:0]
	events = append(events, at(0, "p-1", ev.Acquire, "in"), at(4000, "p-1", ev.Release, "out"),
		at(2000, "p-2", ev.Acquire, "in"), at(3000, "p-2", ev.Release, "out"))
	for i := 3; i <= 20; i++ {
		events = append(events, at(5000, fmt.Sprintf("p-%d", i), ev.Step, "idle"))
	}
	lane = laneOf(t, DrawTimeline(events, 5*time.Second, 1, 60, NewTheme(false)), "p-* ×20")
	if !strings.Contains(lane, chHold+"2") || !strings.Contains(lane, "2"+chHold) || strings.ContainsAny(lane, "13456789+") {
		t.Errorf("lane %q: want holding, then 2 where both hold, then holding", lane)
	}
}

// A run the watchdog ended: the timeline draws what was recorded, the
// open wait running to the last event, then the failure.
func TestFailDrawsWhatWasRecorded(t *testing.T) {
	var b bytes.Buffer
	tl := NewTimeline(&b, NewTheme(false), 80)
	h := ev.Header{Demo: "deadlock", ID: "S9", Title: "two locks", Seed: 1, Speed: 10}
	tl.Begin(h)
	tl.Event(at(0, "w1", ev.Acquire, "holds A", ev.AttrLock, "A"))
	tl.Event(at(100, "w1", ev.Wait, "wants B", ev.AttrLock, "B"))
	tl.Event(at(200, "watchdog", ev.Warn, "nobody moves"))
	tl.Event(at(900, "w2", ev.Step, "still here"))
	tl.Fail(h, "watchdog: no progress for 3s", 1)
	out := b.String()
	if !strings.Contains(out, "watchdog") || !strings.Contains(out, "!") {
		t.Errorf("the warning was not printed:\n%s", out)
	}
	if i, j := strings.Index(out, "timeline ·"), strings.Index(out, "stopped ✘ watchdog: no progress"); i < 0 || j < i {
		t.Fatalf("want the timeline, then the failure:\n%s", out)
	}
	if strings.Index(out, "nobody moves") > strings.Index(out, "timeline ·") {
		t.Errorf("the warning came after the drawing, not as it happened:\n%s", out)
	}
	lane := laneOf(t, strings.Split(out, "\n"), "w1")
	if !strings.HasSuffix(lane, chHoldWait) {
		t.Errorf("w1's wait should run to the end of the record: %q", lane)
	}
}

func sampleRun() []ev.Event {
	var events []ev.Event
	events = append(events, at(0, "", ev.Phase, "part one"))
	events = append(events, ev.Event{T: time.Millisecond, Actor: "light", Kind: ev.Step, Msg: "GREEN", Tone: ev.ToneGreen})
	for i := 1; i <= 6; i++ {
		car := fmt.Sprintf("a-rather-long-actor-name-%d [pid %d]", i, 4000+i)
		events = append(events, at(i*150, car, ev.Start, "arrives"))
		events = append(events, at(i*150+10, car, ev.Wait, "waits", ev.AttrOn, "light"))
		events = append(events, at(i*150+300, car, ev.Wake, "woken", ev.AttrBy, "light"))
		events = append(events, at(i*150+301, car, ev.Send, "honks"))
		events = append(events, at(i*150+320, car, ev.Done, "crosses"))
	}
	events = append(events, ev.Event{T: 600 * time.Millisecond, Actor: "light", Kind: ev.Step, Msg: "RED", Tone: ev.ToneRed})
	events = append(events, at(700, "", ev.Phase, "part two"))
	events = append(events, at(800, "light", ev.Warn, "flickers"))
	return events
}

// Every line fits the width, in colour or not.
func TestEveryLineFits(t *testing.T) {
	for _, cols := range []int{60, 80, 120} {
		for _, on := range []bool{false, true} {
			lines := DrawTimeline(sampleRun(), 1300*time.Millisecond, 10, cols, NewTheme(on))
			for _, l := range lines {
				if n := utf8.RuneCountInString(stripANSI(l)); n > cols {
					t.Errorf("width %d, colour %v: %d columns: %q", cols, on, n, l)
				}
			}
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Without colour the states are told apart by their characters alone, and
// the legend names each one drawn; with colour the same characters come
// coloured.
func TestPlainCharacters(t *testing.T) {
	events := []ev.Event{
		at(0, "a", ev.Start, "runs"),
		at(100, "a", ev.Acquire, "holds", ev.AttrLock, "L"),
		at(300, "a", ev.Release, "lets go", ev.AttrLock, "L"),
		at(400, "a", ev.Wait, "waits"),
		at(600, "a", ev.Wake, "woken"),
		at(800, "a", ev.Done, "done"),
	}
	plain := DrawTimeline(events, time.Second, 10, 80, NewTheme(false))
	joined := strings.Join(plain, "\n")
	if strings.Contains(joined, "\x1b[") {
		t.Fatalf("escapes with colour off:\n%s", joined)
	}
	lane := laneOf(t, plain, "a")
	for _, ch := range []string{chRun, chHold, chWait} {
		if !strings.Contains(lane, ch) {
			t.Errorf("lane %q lacks %q", lane, ch)
		}
	}
	if len(map[string]bool{chRun: true, chWait: true, chHold: true, chHoldWait: true}) != 4 {
		t.Error("the segment characters are not distinct")
	}
	for _, want := range []string{chRun + " running", chWait + " waiting", chHold + " holding", markers[ev.Wake] + " woken", markers[ev.Done] + " done"} {
		if !strings.Contains(joined, want) {
			t.Errorf("legend lacks %q:\n%s", want, joined)
		}
	}
	colour := DrawTimeline(events, time.Second, 10, 80, NewTheme(true))
	if c := strings.Join(colour, "\n"); !strings.Contains(c, "\x1b[") || stripANSI(c) != joined {
		t.Errorf("colour: want the same drawing with escapes:\n%s\nvs\n%s", c, joined)
	}
}

// The timeline drawn from a run's events and from the same run's JSON
// lines, decoded, is the same drawing.
func TestJSONRoundTrip(t *testing.T) {
	events := sampleRun()
	events = append(events, at(900, "w", ev.Acquire, "n", ev.AttrLock, "L", "count", 3))
	events[3].T += 1234 // not a whole microsecond: JSON keeps microseconds
	var b bytes.Buffer
	j := NewJSON(&b)
	for _, e := range events {
		j.Event(e)
	}
	var back []ev.Event
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var el EventLine
		if err := json.Unmarshal([]byte(l), &el); err != nil {
			t.Fatal(err)
		}
		back = append(back, EventOf(el))
	}
	end := 1300*time.Millisecond + 777
	for _, on := range []bool{false, true} {
		direct := strings.Join(DrawTimeline(events, end, 10, 80, NewTheme(on)), "\n")
		replayed := strings.Join(DrawTimeline(back, end, 10, 80, NewTheme(on)), "\n")
		if direct != replayed {
			t.Errorf("colour %v: direct\n%s\nreplayed\n%s", on, direct, replayed)
		}
	}
	if back[1].Tone != ev.ToneGreen {
		t.Errorf("tone lost in JSON: %+v", back[1])
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0.8, 1}, {1, 1}, {1.3, 2}, {3, 5}, {7, 10}, {0.013, 0.02}, {120, 200}} {
		if got := niceStep(c.in); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestSecs(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{0, "0s"}, {5, "5s"}, {0.25, "0.25s"}, {0.2094, "0.209s"}, {0.0002, "0.0002s"}, {0.00234, "0.0023s"}, {2355.78, "2355.78s"}} {
		if got := secs(c.in); got != c.want {
			t.Errorf("secs(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
