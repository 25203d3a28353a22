package threadtimer_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threadtimer"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time every instant is exact: timer-1 fires at 1 s, timer-2 is
// stopped at once and never fires, greeting k comes at 2 + k s with k
// callbacks alive, and main cancels the five live ones at 7 s.
func TestSequenceInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, threadtimer.New(), 1)
		want := []string{
			"main: arms timer-1 (1 story-s) and timer-2 (1.5 story-s)",
			"main: timer-2.Stop() = true: stopped before it fired",
			"timer-1: fires: hello, once",
			"main: timer-1.Stop() = false: too late, it has fired",
			"main: 2 story-s in, past its deadline: timer-2 never fired",
			"greeter: hello #1 — live callbacks: 1",
			"greeter: hello #2 — live callbacks: 2",
			"greeter: hello #3 — live callbacks: 3",
			"greeter: hello #4 — live callbacks: 4",
			"greeter: hello #5 — live callbacks: 5",
			"main: after 5 greetings: stops the repeating timer; Stop() on the already armed next greeting = true",
			"main: cancels the work of the 5 live callbacks",
		}
		var got []string
		for _, m := range demotest.Messages(c) {
			if !strings.HasPrefix(m, ": ") { // leave out phase headings
				got = append(got, m)
			}
		}
		if len(got) < len(want)+6 || !slices.Equal(got[:len(want)], want) {
			t.Fatalf("events:\n%s\nwant first:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The five cancellations come in any order, then main's last word.
		rest := got[len(want):]
		slices.Sort(rest[:5])
		for i := range 5 {
			if w := fmt.Sprintf("greeting-%d: work cancelled", i+1); rest[i] != w {
				t.Errorf("got %q, want %q", rest[i], w)
			}
		}
		if rest[5] != "main: all callbacks have returned: 0 finished their work, 5 were cancelled" {
			t.Errorf("last: %q", rest[5])
		}
		for k := 1; k <= 5; k++ {
			e := c.Events[demotest.Index(c, "greeter", fmt.Sprintf("hello #%d ", k))]
			if e.T != time.Duration(2+k)*time.Second {
				t.Errorf("greeting %d at %v, want %ds", k, e.T, 2+k)
			}
		}
		m := demotest.Metrics[threadtimer.Metrics](t, res)
		if m.Ticks != 5 || m.MaxLive != 5 || !slices.Equal(m.LivePerTick, []int{1, 2, 3, 4, 5}) ||
			!m.FiredOnce || m.FiredAtMs != 1000 || !m.CancelledStopped ||
			!m.StoppedPending || m.LiveAtStop != 5 || m.FinishedCallbacks != 0 || m.CancelledCallbacks != 5 {
			t.Errorf("metrics %+v", m)
		}
		if !res.Observed {
			t.Errorf("not observed: %s", res.Verdict)
		}
	})
}

// With --drain the backlog finishes its work: greeting k ends at 2 + k + 10.
func TestDrainInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, threadtimer.New(), 1, "ticks=3", "drain")
		for k := 1; k <= 3; k++ {
			i := demotest.Index(c, fmt.Sprintf("greeting-%d", k), "finishes its 10 story-seconds")
			if i < 0 || c.Events[i].T != time.Duration(12+k)*time.Second {
				t.Errorf("greeting %d did not finish at %ds", k, 12+k)
			}
		}
		if m := demotest.Metrics[threadtimer.Metrics](t, res); m.FinishedCallbacks != 3 || m.CancelledCallbacks != 0 {
			t.Errorf("metrics %+v", m)
		}
	})
}

// Quick callbacks never overlap: the lesson honestly does not show.
func TestNoBacklogWithoutWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, threadtimer.New(), 1, "work=0")
		if m := demotest.Metrics[threadtimer.Metrics](t, res); m.MaxLive != 1 || res.Observed || res.Hint == "" {
			t.Errorf("observed %v, hint %q, metrics %+v", res.Observed, res.Hint, m)
		}
	})
}

// Real time: the backlog grows by one per greeting while the work lasts,
// and every callback is accounted for whatever the schedule.
func TestRealTime(t *testing.T) {
	res, c := demotest.MustRun(t, threadtimer.New(), 200, "ticks=8")
	m := demotest.Metrics[threadtimer.Metrics](t, res)
	if m.Ticks != 8 || m.FinishedCallbacks+m.CancelledCallbacks != 8 || !m.FiredOnce {
		t.Errorf("metrics %+v", m)
	}
	// Each greeting sees at most one more live callback than the previous.
	prev := 0
	for _, e := range c.Events {
		if e.Actor == "greeter" && e.Kind == ev.Step {
			live := e.Attrs["live"].(int)
			if live > prev+1 || live < 1 {
				t.Errorf("live went from %d to %d", prev, live)
			}
			prev = live
		}
	}
}

// Ctrl-C in the middle of the backlog: the run ends with ErrInterrupted
// and every callback, armed or working, is gone (goleak checks at exit).
func TestInterruptedMidBacklog(t *testing.T) {
	for _, at := range []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond, 4500 * time.Millisecond} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, threadtimer.New(), 1, "ticks=10")
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
