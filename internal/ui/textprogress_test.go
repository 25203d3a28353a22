package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

func progressEvent(t time.Duration, done, total int) ev.Event {
	return ev.Event{T: t, Actor: "worker-1", Kind: ev.Step, Msg: "checked one",
		Attrs: map[string]any{ev.AttrDone: done, ev.AttrTotal: total, ev.AttrProgress: "goroutines"}}
}

// On a terminal that reports no width, a long count shows as a few plain
// progress lines; a count that started early (a short run) shows none.
func TestTextProgressPlainLines(t *testing.T) {
	var out bytes.Buffer
	txt := NewText(&out, NewTheme(false)).WithProgress(0)
	txt.Begin(ev.Header{Demo: "pool primes", ID: "F1"})
	for i := 1; i <= 8; i++ {
		txt.Event(progressEvent(time.Duration(i)*400*time.Millisecond, i, 8))
	}
	txt.End(ev.Header{}, ev.Result{Verdict: "ok"}, time.Second)
	got := out.String()
	if !strings.Contains(got, "goroutines: 4/8 (50%)") || !strings.Contains(got, "goroutines: 8/8 (100%)") {
		t.Fatalf("no plain progress lines:\n%s", got)
	}
	if strings.Contains(got, "goroutines: 1/8") {
		t.Errorf("a progress line before the run was a second old:\n%s", got)
	}
	if c := strings.Count(got, "checked one"); c != 8 {
		t.Errorf("%d event lines, want 8", c)
	}
}

// Without WithProgress (not a terminal) progress events are plain events.
func TestTextNoProgressOffTerminal(t *testing.T) {
	var out bytes.Buffer
	txt := NewText(&out, NewTheme(false))
	txt.Begin(ev.Header{Demo: "pool primes", ID: "F1"})
	for i := 1; i <= 4; i++ {
		txt.Event(progressEvent(time.Duration(i)*time.Second, i, 4))
	}
	if strings.Contains(out.String(), "goroutines:") {
		t.Fatalf("progress lines off a terminal:\n%s", out.String())
	}
}

// On a terminal with a width, mpb draws a live bar (it writes the label
// with its counters), and the bar is gone after End.
func TestTextProgressLiveBar(t *testing.T) {
	var out syncBuffer
	txt := NewText(&out, NewTheme(false)).WithProgress(80)
	txt.Begin(ev.Header{Demo: "pool primes", ID: "F1"})
	txt.Event(progressEvent(2*time.Second, 1, 3))
	time.Sleep(300 * time.Millisecond) // mpb refreshes every 100ms
	txt.Event(progressEvent(3*time.Second, 2, 3))
	time.Sleep(300 * time.Millisecond)
	txt.Event(progressEvent(4*time.Second, 3, 3))
	txt.End(ev.Header{}, ev.Result{Verdict: "ok"}, time.Second)
	if got := out.String(); !strings.Contains(got, "goroutines 1/3") && !strings.Contains(got, "goroutines 2/3") {
		t.Fatalf("no live bar drawn:\n%q", got)
	}
	if txt.bars.bar != nil {
		t.Error("bar still open after End")
	}
}

// syncBuffer is a buffer mpb's refresh goroutine and the test may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
