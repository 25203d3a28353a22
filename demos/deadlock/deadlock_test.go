package deadlock_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/deadlock"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// cycle is the run's cycle; it is a list even without a deadlock, so
// that its JSON is [] and never null.
func cycle(t *testing.T, res ev.Result) []string {
	t.Helper()
	c := demotest.Metrics[deadlock.Metrics](t, res).Cycle
	if c == nil {
		t.Fatal("cycle is nil, want a list of names ([] in JSON)")
	}
	return c
}

// lastAt is when the last event whose message contains part was emitted.
func lastAt(c *demotest.Capture, part string) time.Duration {
	at := time.Duration(-1)
	for _, e := range c.Events {
		if strings.Contains(e.Msg, part) {
			at = e.T
		}
	}
	return at
}

// In fake time the story is exact: both workers take their first lock at
// 0, both reach for the second at 1 s, the second to wait closes the cycle
// and the detector sees it at once; a second later it ends the run.
func TestDeadlockFoundByGraph(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, deadlock.New(), 1)
		m := demotest.Metrics[deadlock.Metrics](t, res)
		if !m.DeadlockDetected || m.DetectedBy != "graph" || m.Completed || m.Ordered || m.Workers != 2 || !res.Observed {
			t.Fatalf("result %+v", res)
		}
		if got, want := cycle(t, res), []string{"worker-1", "lock-B", "worker-2", "lock-A"}; !slices.Equal(got, want) {
			t.Errorf("cycle %v, want %v", got, want)
		}
		for _, part := range []string{"worker-1 holds lock-A and waits for lock-B, held by worker-2", "worker-2 holds lock-B and waits for lock-A, held by worker-1"} {
			if !strings.Contains(res.Verdict, part) {
				t.Errorf("verdict %q lacks %q", res.Verdict, part)
			}
		}
		found := demotest.Index(c, "detector", "DEADLOCK")
		if found < 0 || c.Events[found].T != time.Second {
			t.Fatalf("detector event %d, want one at 1s", found)
		}
		// Both workers were waiting before the detector spoke, and both
		// gave up only after it decided to end the run.
		ends := demotest.Index(c, "detector", "ends the run")
		for _, w := range []string{"worker-1", "worker-2"} {
			if wait := demotest.Index(c, w, "waits"); wait < 0 || wait > found {
				t.Errorf("%s: wait event %d, detector %d", w, wait, found)
			}
			if stop := demotest.Index(c, w, "stops waiting"); stop < ends {
				t.Errorf("%s: stopped waiting at event %d, before the detector ended the run (%d)", w, stop, ends)
			}
			if demotest.Index(c, w, "done") >= 0 {
				t.Errorf("%s finished despite the deadlock", w)
			}
		}
		if at := c.Events[ends].T; at != 11*time.Second {
			t.Errorf("run ended at %v, want 11s (found at 1s, watched 10s)", at)
		}
	})
}

// Real time: the deadlock is found and ended, whatever the machine's speed.
func TestDeadlockEndsInRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, deadlock.New(), 10)
	if !demotest.Metrics[deadlock.Metrics](t, res).DeadlockDetected {
		t.Fatalf("no deadlock at speed 10 (a 100ms pause): %+v", res)
	}
	got := cycle(t, res)
	for _, name := range []string{"worker-1", "worker-2", "lock-A", "lock-B"} {
		if !slices.Contains(got, name) {
			t.Errorf("cycle %v does not name %s", got, name)
		}
	}
}

// Without the graph, the run's watchdog notices the stall, and the
// scenario still turns it into its lesson with the same cycle.
func TestDeadlockFoundByWatchdog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, deadlock.New(), 1, "detector=watchdog")
		m := demotest.Metrics[deadlock.Metrics](t, res)
		if !m.DeadlockDetected || m.DetectedBy != "watchdog" || !res.Observed {
			t.Fatalf("result %+v", res)
		}
		if got, want := cycle(t, res), []string{"worker-1", "lock-B", "worker-2", "lock-A"}; !slices.Equal(got, want) {
			t.Errorf("cycle %v, want %v", got, want)
		}
		if demotest.Index(c, "detector", "") >= 0 {
			t.Error("the graph detector spoke though it was switched off")
		}
		w := demotest.Index(c, "watchdog", "no progress")
		if w < 0 || !strings.Contains(c.Events[w].Msg, "worker-1 holds lock-A and waits for lock-B") {
			t.Fatalf("watchdog event %d: %v", w, c.Events)
		}
		// demotest's watchdog is 5 s; the last wait began at 1 s.
		if at := c.Events[w].T; at < 6*time.Second || at > 7*time.Second {
			t.Errorf("watchdog fired at %v, want 5–6s after the last wait at 1s", at)
		}
	})
}

// A ring of n workers deadlocks through all of them; in one global order
// every worker finishes.
func TestRing(t *testing.T) {
	for _, n := range []int{3, 5, 8} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, deadlock.New(), 1, "workers="+strconv.Itoa(n))
			c := cycle(t, res)
			if m := demotest.Metrics[deadlock.Metrics](t, res); !m.DeadlockDetected || m.Workers != n || len(c) != 2*n {
				t.Fatalf("n=%d: result %+v", n, res)
			}
			for i := range n {
				if !slices.Contains(c, "worker-"+strconv.Itoa(i+1)) || !slices.Contains(c, "lock-"+string(rune('A'+i))) {
					t.Errorf("n=%d: cycle %v misses worker %d or its lock", n, c, i+1)
				}
			}
			res, _ = demotest.MustRun(t, deadlock.New(), 1, "workers="+strconv.Itoa(n), "ordered")
			if m := demotest.Metrics[deadlock.Metrics](t, res); m.DeadlockDetected || !m.Completed || !res.Observed {
				t.Errorf("n=%d ordered: result %+v", n, res)
			}
		})
	}
}

// --ordered: both take lock-A first, so one waits for the other to finish
// and then goes: 1.5 story-seconds each, one after the other.
func TestOrderedCompletes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, deadlock.New(), 1, "ordered")
		m := demotest.Metrics[deadlock.Metrics](t, res)
		if m.DeadlockDetected || !m.Completed || !m.Ordered || m.DetectedBy != "none" || !res.Observed {
			t.Fatalf("result %+v", res)
		}
		if len(cycle(t, res)) != 0 {
			t.Errorf("cycle %v without a deadlock", m.Cycle)
		}
		if b, err := json.Marshal(m); err != nil || !strings.Contains(string(b), `"cycle":[]`) {
			t.Errorf("JSON %s (%v), want \"cycle\":[]", b, err)
		}
		for _, w := range []string{"worker-1", "worker-2"} {
			if demotest.Index(c, w, "needs lock-A and lock-B; takes lock-A first") < 0 || demotest.Index(c, w, "done") < 0 {
				t.Errorf("%s did not take lock-A first and finish", w)
			}
		}
		if at := lastAt(c, "done"); at != 3*time.Second {
			t.Errorf("last worker done at %v, want 3s", at)
		}
	})
}

// Ctrl-C while deadlocked (no detector) ends the run; goleak checks that
// no worker is left waiting.
func TestInterruptedWhileDeadlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(2*time.Second, cancel)
		_, _, err := demotest.RunCtx(ctx, t, deadlock.New(), 1, "detector=watchdog")
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("err = %v, want interrupted", err)
		}
	})
}
