package threadjoin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threadjoin"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time the walls are exact: N × 2 s one after another, 2 s all
// together, and the timed-out join returns at exactly 1 s.
func TestWallsInFakeTime(t *testing.T) {
	for _, n := range []int{1, 3, 10} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, threadjoin.New(), 1, fmt.Sprint("workers=", n))
			m := demotest.Metrics[threadjoin.Metrics](t, res)
			want := threadjoin.Metrics{Workers: n, SerialMs: float64(n) * 2000, ConcurrentMs: 2000, Ratio: float64(n),
				TimeoutJoinMs: 1000, AliveAfterTimeout: true, OnPace: true}
			if m != want {
				t.Errorf("n=%d: metrics %v", n, m)
			}
			if res.Observed != (n > 1) {
				t.Errorf("n=%d: observed %v: %s", n, res.Observed, res.Verdict)
			}
		})
	}
}

// Part A never has two workers running at once; part B has all of them.
// Replayed from the events: +1 at a start, −1 at a done.
func TestOverlapFromEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := demotest.MustRun(t, threadjoin.New(), 1, "workers=6")
		peak := map[string]int{}
		running := map[string]int{}
		for _, e := range c.Events {
			part, _, ok := strings.Cut(e.Actor, "-")
			if !ok {
				continue
			}
			switch e.Kind {
			case ev.Start:
				running[part]++
				peak[part] = max(peak[part], running[part])
			case ev.Done:
				running[part]--
			}
		}
		if peak["A"] != 1 || peak["B"] != 6 || running["A"] != 0 || running["B"] != 0 {
			t.Errorf("peak %v, still running %v", peak, running)
		}
		// C: the timed-out join reports the worker alive, before it is done.
		timedOut := demotest.Index(c, "main", "join(timeout=1) returned")
		done := demotest.Index(c, "slow", "done")
		if timedOut < 0 || done < timedOut || !strings.Contains(c.Events[timedOut].Msg, "is_alive() = true") {
			t.Errorf("timed-out join at event %d, worker done at %d", timedOut, done)
		}
		if last := c.Events[len(c.Events)-1]; last.T != 18*time.Second {
			t.Errorf("last event at %v, want 12 + 2 + 4 = 18s", last.T)
		}
	})
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, threadjoin.New(), 500, "workers=20")
	m := demotest.Metrics[threadjoin.Metrics](t, res)
	// Sleeps never end early, so serial ≥ 20 × 4 ms whatever the machine.
	if m.SerialMs < 80 || m.Workers != 20 {
		t.Errorf("metrics %v", m)
	}
}

// Ctrl-C at any point ends the run with ErrInterrupted and leaves no
// worker behind (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{time.Second, 21 * time.Second, 23 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, threadjoin.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
