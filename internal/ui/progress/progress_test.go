package progress_test

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/internal/ui/progress"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Not a terminal: a plain line at every 25%, and the final count.
func TestPlainLines(t *testing.T) {
	var out bytes.Buffer
	b := progress.New(&out, "checked", 10, progress.Options{})
	if b.Live() {
		t.Fatal("a bar drawn live on a buffer")
	}
	for range 10 {
		b.Add(1)
	}
	b.Close()
	b.Close() // twice is fine
	want := "checked: 3/10 (30%)\nchecked: 5/10 (50%)\nchecked: 8/10 (80%)\nchecked: 10/10 (100%)\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if b.Writer() != io.Writer(&out) {
		t.Error("Writer is not the output itself")
	}
}

// A terminal that reports no width gets plain lines too; a count that
// stops short says so when closed.
func TestZeroWidthTerminal(t *testing.T) {
	var out bytes.Buffer
	b := progress.New(&out, "sum", 4, progress.Options{Terminal: true, Width: 0, Every: 50})
	if b.Live() {
		t.Fatal("live bar on a terminal without a width")
	}
	b.Set(1)
	b.Set(2)
	b.Set(3)
	b.Close()
	b.Set(4) // after Close: ignored
	want := "sum: 2/4 (50%)\nsum: 3/4 (75%), stopped\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// A run that ends before the delay shows nothing at all.
func TestDelay(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	var out bytes.Buffer
	b := progress.New(&out, "checked", 4, progress.Options{Delay: time.Second, Now: clock})
	b.Set(2)
	if out.Len() != 0 {
		t.Fatalf("shown before the delay: %q", out.String())
	}
	now = now.Add(2 * time.Second)
	b.Set(3)
	b.Close()
	if want := "checked: 3/4 (75%)\nchecked: 3/4 (75%), stopped\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}

	out.Reset()
	quick := progress.New(&out, "checked", 4, progress.Options{Delay: time.Hour})
	quick.Set(4)
	quick.Close()
	if out.Len() != 0 {
		t.Errorf("a quick run showed progress: %q", out.String())
	}
}

// On a terminal with a width, mpb draws the bar; other output goes through
// Writer and lands above it; Close takes the bar down and ends mpb's
// goroutines (TestMain checks for leaks).
func TestLiveBar(t *testing.T) {
	var out syncBuffer
	b := progress.New(&out, "checked", 6, progress.Options{Terminal: true, Width: 60})
	if !b.Live() {
		t.Fatal("no live bar on a terminal with a width")
	}
	b.Set(3)
	w := b.Writer()
	if w == io.Writer(&out) {
		t.Fatal("output while the bar is up bypasses it")
	}
	if _, err := io.WriteString(w, "an event line\n"); err != nil {
		t.Fatal(err)
	}
	// Wait for a render of the half-way bar (one every 100ms).
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "checked 3/6") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	b.Set(6)
	b.Close()
	got := out.String()
	for _, part := range []string{"an event line\n", "checked 3/6", "\x1b["} {
		if !strings.Contains(got, part) {
			t.Errorf("output lacks %q: %q", part, got)
		}
	}
	if b.Writer() != io.Writer(&out) {
		t.Error("Writer after Close still points at the bar")
	}
}

// An unfinished live bar is aborted by Close instead of waiting forever.
func TestLiveBarAborted(t *testing.T) {
	var out syncBuffer
	b := progress.New(&out, "checked", 100, progress.Options{Terminal: true, Width: 40})
	b.Set(10)
	done := make(chan struct{})
	go func() { b.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on an unfinished bar")
	}
}

// syncBuffer is a bytes.Buffer safe for mpb's writer goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
