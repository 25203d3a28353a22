package rlock_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/rlock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The whole scenario in real time: the sync.Mutex box deadlocks on itself
// and the watchdog ends that phase; the two fixes leave the box at 0.
func TestRlockRealTime(t *testing.T) {
	for range 3 {
		res, c := demotest.MustRun(t, rlock.New(), 100)
		m := demotest.Metrics[rlock.Metrics](t, res)
		if !res.Observed || !m.DeadlockDetected || m.BoxFinal != 0 || m.IdiomFinal != 0 {
			t.Fatalf("result %+v", res)
		}
		who := m.Deadlocked
		if who != "adder" && who != "remover" {
			t.Fatalf("deadlocked = %q", who)
		}
		// The watchdog waited its patience (10 story-s = 100 ms at speed 100)
		// before acting: a lower bound the code guarantees.
		if m.StuckMs < 100 {
			t.Errorf("stuck_ms = %v, want ≥ 100", m.StuckMs)
		}
		if m.MaxHoldCount != 2 || m.NestedTotal != 20 || m.NestedIdiomTotal != 20 || m.ReleaseErrors != 2 ||
			m.Ops != 5 || m.Workers != 10 || m.NestedExpected != 20 {
			t.Errorf("metrics %+v", m)
		}
		// The deadlock explanation names the holder waiting for itself, and
		// comes after that worker asked for the lock a second time.
		w := demotest.Index(c, "watchdog", "deadlock: "+who+" holds the box lock")
		asked := demotest.Index(c, who, "execute: asks for the box lock again")
		if w < 0 || asked < 0 || w < asked {
			t.Errorf("watchdog explanation at %d, %s's second ask at %d:\n%s", w, who, asked, strings.Join(demotest.Messages(c), "\n"))
		}
		if !strings.Contains(c.Events[w].Msg, "waits for itself") {
			t.Errorf("explanation %q does not say it waits for itself", c.Events[w].Msg)
		}
		// Both workers of phase 1 were stopped, neither finished.
		for _, name := range []string{"adder", "remover"} {
			if demotest.Index(c, name, "stopped by the watchdog") < 0 {
				t.Errorf("%s was not stopped in phase 1", name)
			}
		}
	}
}

// A global watchdog shorter than --patience does not end the run: the
// scenario's own watchdog sleeps, which counts as progress, and then turns
// the deadlock into the lesson.
func TestRlockOutlivesShortGlobalWatchdog(t *testing.T) {
	d := rlock.New()
	knobs := demotest.Knobs(t, d, "patience=30")
	res, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: 1, Speed: 100, Knobs: knobs, Watchdog: 100 * time.Millisecond}, &demotest.Capture{})
	if err != nil || !res.Observed {
		t.Fatalf("err %v, result %+v", err, res)
	}
}

// Ctrl-C while a goroutine is stuck in sync.Mutex.Lock: the run ends as
// interrupted and nothing is left blocked (goleak checks at the end).
func TestRlockInterruptedWhileDeadlocked(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel) // patience is 10 s here
	res, c, err := demotest.RunCtx(ctx, t, rlock.New(), 10, "patience=100")
	if err == nil {
		t.Fatalf("no error, result %+v", res)
	}
	if len(c.Fails) != 1 || !strings.Contains(c.Fails[0], "interrupted") {
		t.Fatalf("fails %q, err %v", c.Fails, err)
	}
}
