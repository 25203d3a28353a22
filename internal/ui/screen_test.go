package ui

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/internal/ev"
)

var sgr = regexp.MustCompile("\x1b\\[([0-9;]*)m")

func visible(s string) string { return sgr.ReplaceAllString(s, "") }

// long is a run with long notes, a long verdict and long actor names, the
// material that used to wrap through the time column.
func long(r Renderer) {
	h := ev.Header{Demo: "semaphore limit", ID: "S3b", Title: "A semaphore with five permits lets at most five workers in at once, however many are waiting for one",
		Python: "threading.BoundedSemaphore(5)", Go: "a buffered channel of five tokens (or x/sync/semaphore)", Seed: 123456789, Speed: 10,
		Params: []ev.Param{{Name: "workers", Value: "100"}, {Name: "db", Value: "/tmp/my tickets.json"}, {Name: "lock", Value: "false"}}}
	r.Begin(h)
	r.Event(ev.Event{T: 10 * time.Millisecond, Actor: "main", Kind: ev.Note, Msg: "every worker asks for a permit at once; the semaphore lets five in, and each of the others waits until somebody gives one back, so the holders never number more than five"})
	r.Event(ev.Event{T: 1234 * time.Second, Actor: "worker-100 [pid 424242]", Kind: ev.Acquire, Msg: "got a permit (3 holding)"})
	r.Event(ev.Event{Kind: ev.Phase, Msg: "part two: the same with a lock held across the whole read-modify-write of the ticket database"})
	r.Event(ev.Event{T: 2 * time.Second, Actor: "w", Kind: ev.Warn, Msg: "supercalifragilisticexpialidocious-is-a-very-long-word-without-any-spaces-in-it-at-all-whatsoever"})
	r.End(h, ev.Result{Verdict: "at most 5 of 100 workers held a permit at once, never more than the 5 permits; all 100 got one, in 21.3 story-seconds for about 20",
		Observed: false, Hint: "--workers 200 --limit 3 to see more of them queue", Metrics: map[string]any{}}, time.Second)
}

// Every line fits the width, at 60, 80 and 120 columns, and continuation
// lines of an event hang under its message column.
func TestTextWrapsToWidth(t *testing.T) {
	for _, cols := range []int{60, 80, 120} {
		var b bytes.Buffer
		long(NewText(&b, NewTheme(true)).WithWidth(cols))
		out := visible(b.String())
		lines := strings.Split(out, "\n")
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > cols {
				t.Errorf("%d cols: a line of %d: %q", cols, n, l)
			}
		}
		// The note's continuation hangs under the message column.
		for i, l := range lines {
			if !strings.Contains(l, "› every worker") {
				continue
			}
			col := utf8.RuneCountInString(l[:strings.Index(l, "every")])
			next := lines[i+1]
			if got := len(next) - len(strings.TrimLeft(next, " ")); got != col && cols-col >= 30 {
				t.Errorf("%d cols: continuation indented %d, want %d (the message column):\n%s\n%s", cols, got, col, l, next)
			}
		}
		// Nothing is lost by wrapping.
		flat := strings.Join(strings.Fields(out), " ")
		for _, want := range []string{"the holders never number more than five", "in 21.3 story-seconds for about 20",
			"— try --workers 200 --limit 3 to see more of them queue"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%d cols: %q lost:\n%s", cols, want, out)
			}
		}
	}
}

// Piped (no width) nothing is wrapped: one event, one line, for grep.
func TestTextUnwrappedWhenNoWidth(t *testing.T) {
	var b bytes.Buffer
	long(NewText(&b, NewTheme(false)))
	if !strings.Contains(b.String(), "the semaphore lets five in, and each of the others waits until somebody gives one back, so the holders never number more than five\n") {
		t.Errorf("the note was wrapped without a width:\n%s", b.String())
	}
}

// Stamps are story seconds in a fixed-width column: 10 s and 1,000 s do
// not shift the actor column.
func TestStampColumnIsFixed(t *testing.T) {
	for _, d := range []time.Duration{0, time.Millisecond, time.Second, 99 * time.Second, 999 * time.Second, 9999 * time.Second} {
		if got := Stamp(d, 10); utf8.RuneCountInString(got) != stampWidth {
			t.Errorf("Stamp(%v) = %q, want %d wide", d, got, stampWidth)
		}
	}
	if got := Stamp(1500*time.Millisecond, 10); got != "  15.00s" {
		t.Errorf("Stamp(1.5s, ×10) = %q, want story seconds \"  15.00s\"", got)
	}
}

// The verdict says in words whether the lesson showed, with a mark that is
// neither a tick nor a cross.
func TestVerdictInWords(t *testing.T) {
	if got := VerdictLine(ev.Result{Observed: true, Verdict: "2 of 2,000,000 updates lost"}); got != "lesson shown: 2 of 2,000,000 updates lost" {
		t.Errorf("shown: %q", got)
	}
	if got := VerdictLine(ev.Result{Verdict: "no drift: none visible", Hint: "--window spin"}); got != "lesson not shown this run: no drift: none visible — try --window spin" {
		t.Errorf("not shown: %q", got)
	}
	var b bytes.Buffer
	sample(NewText(&b, NewTheme(false)))
	if strings.ContainsAny(b.String(), "✔⚠") {
		t.Errorf("a success/warning mark on the verdict:\n%s", b.String())
	}
}

// The palette: every tone renders, none is faint (SGR 2), bright white
// (97), white (37), dark blue (34) or plain yellow text without bold.
func TestPaletteEveryTone(t *testing.T) {
	th := NewTheme(true)
	tones := th.Tones()
	if len(tones) < 7+len(ActorColors) {
		t.Fatalf("only %d tones", len(tones))
	}
	for name, c := range tones {
		s := c.Sprint("x")
		if !strings.Contains(s, "x") {
			t.Errorf("%s: %q lost its text", name, s)
		}
		for _, m := range sgr.FindAllStringSubmatch(s, -1) {
			for _, code := range strings.Split(m[1], ";") {
				switch code {
				case "2":
					t.Errorf("%s is faint (%q): a projector loses it", name, s)
				case "97", "37":
					t.Errorf("%s is white (%q): it vanishes on a light theme", name, s)
				case "34":
					t.Errorf("%s is dark blue (%q): it vanishes on a dark theme", name, s)
				case "93":
					t.Errorf("%s is bright yellow (%q): it vanishes on a light theme", name, s)
				}
			}
		}
		fmt.Fprintf(&bytes.Buffer{}, "%s", s)
	}
	// Colour off: no escapes at all.
	for name, c := range NewTheme(false).Tones() {
		if s := c.Sprint("x"); s != "x" {
			t.Errorf("%s with colour off: %q", name, s)
		}
	}
	// A whole run in colour has no faint either.
	var b bytes.Buffer
	long(NewText(&b, th).WithWidth(80))
	for _, m := range sgr.FindAllStringSubmatch(b.String(), -1) {
		for _, code := range strings.Split(m[1], ";") {
			if code == "2" {
				t.Fatalf("faint text in a run: %q", m[0])
			}
		}
	}
}

func TestUseColorForce(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		tty  bool
		mode string
		want bool
	}{
		{map[string]string{"FORCE_COLOR": "1"}, false, "auto", true},
		{map[string]string{"CLICOLOR_FORCE": "1"}, false, "auto", true},
		{map[string]string{"FORCE_COLOR": "0"}, false, "auto", false},
		{map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, true, "auto", false},
		{map[string]string{"FORCE_COLOR": "1"}, true, "never", false},
		{map[string]string{"FORCE_COLOR": "1", "TERM": "dumb"}, false, "auto", true},
		{nil, true, "auto", true},
	} {
		s := &Streams{OutTTY: tc.tty, Env: func(k string) string { return tc.env[k] }}
		if got := s.UseColor(tc.mode); got != tc.want {
			t.Errorf("%v tty=%v %s: %v, want %v", tc.env, tc.tty, tc.mode, got, tc.want)
		}
	}
}

// The replay line quotes what a shell would split, writes false bools as
// --x=false, and stays copyable when it wraps (a line continuation).
func TestReplayIsCopyable(t *testing.T) {
	h := ev.Header{Demo: "tickets", Seed: 5, Speed: 10, Params: []ev.Param{{Name: "lock", Value: "false"}, {Name: "db", Value: "/tmp/my db's.json"}, {Name: "buyers", Value: "3"}}}
	want := `pardemo tickets --lock=false --db '/tmp/my db'\''s.json' --buyers 3 --seed 5`
	if got := Replay(h); got != want {
		t.Errorf("Replay = %s\nwant     %s", got, want)
	}
	var b bytes.Buffer
	tx := NewText(&b, NewTheme(false)).WithWidth(40)
	tx.Begin(h)
	var joined []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "replay: ") || strings.HasPrefix(l, "    ") {
			joined = append(joined, strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(l), "replay: "), " \\"))
		}
		if utf8.RuneCountInString(l) > 40 {
			t.Errorf("line of %d: %q", utf8.RuneCountInString(l), l)
		}
	}
	if got := strings.Join(joined, " "); got != want {
		t.Errorf("wrapped replay joins to %s\nwant %s", got, want)
	}
}

func TestSummaryFitsOneScreen(t *testing.T) {
	for _, n := range []int{21, 43} {
		var rows []SummaryRow
		for i := range n {
			rows = append(rows, SummaryRow{Demo: fmt.Sprintf("scenario-number-%d", i), Chapter: 1 + i/6, Wall: time.Duration(i) * time.Second,
				Verdict: "the whole long verdict sentence, which says a lot more than fits on the summary's one line at eighty columns; and more", Observed: i%5 != 0, Failed: i == 7})
		}
		var b bytes.Buffer
		NewText(&b, NewTheme(false)).Summary(rows)
		lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
		if len(lines) > SummaryRows {
			t.Errorf("%d scenarios: summary takes %d rows:\n%s", n, len(lines), b.String())
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > 80 {
				t.Errorf("%d scenarios: a line of %d: %q", n, utf8.RuneCountInString(l), l)
			}
		}
		for _, r := range rows {
			if !strings.Contains(b.String(), r.Demo+",") && !strings.Contains(b.String(), r.Demo+" ") && !strings.Contains(b.String(), r.Demo+":") && !strings.HasSuffix(strings.TrimSpace(b.String()), r.Demo) && !strings.Contains(b.String(), r.Demo+"\n") {
				t.Errorf("%d scenarios: %s missing:\n%s", n, r.Demo, b.String())
			}
		}
	}
}

func TestWrap(t *testing.T) {
	got := Wrap("aaaa bbbb cccc dddd eeee", 10, 14)
	if strings.Join(got, "|") != "aaaa bbbb|cccc dddd eeee" {
		t.Errorf("Wrap = %q", got)
	}
	for _, l := range Wrap(strings.Repeat("x", 25), 10, 10) {
		if len(l) > 10 {
			t.Errorf("a long word not cut: %q", l)
		}
	}
}

// A child's event stamped before one already recorded (it spent time in a
// pipe) must not send t_ms backwards; its own stamp is kept.
func TestRecorderStampsNeverGoBack(t *testing.T) {
	c := &Capture{}
	r := NewRecorder(c)
	r.Emit(ev.Event{Actor: "parent", Msg: "a"})
	time.Sleep(2 * time.Millisecond)
	r.Emit(ev.Event{Actor: "parent", Msg: "b"})
	r.Emit(ev.Event{T: time.Microsecond, Actor: "child", Msg: "late", Attrs: map[string]any{"pid": 7}})
	r.Emit(ev.Event{Actor: "parent", Msg: "c"})
	for i := 1; i < len(c.Events); i++ {
		if c.Events[i].T < c.Events[i-1].T {
			t.Errorf("event %d at %v after %v", i, c.Events[i].T, c.Events[i-1].T)
		}
	}
	late := c.Events[2]
	if late.Attrs["child_t_ms"] != 0.001 || late.Attrs["pid"] != 7 {
		t.Errorf("late child event attrs %v", late.Attrs)
	}
}
