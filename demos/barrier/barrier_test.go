package barrier_test

import (
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time the barrier releases both workers at the same instant: the
// skew is exactly zero and both stamp after the free workers.
func TestBarrierInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, barrier.New(), 1)
		if res.Metrics["barrier_skew_ms"] != 0.0 || res.Metrics["barrier_after_free"] != true || !res.Observed {
			t.Fatalf("result %+v", res)
		}
		// The early worker waited at least half a story-second (the
		// guaranteed gap between the two workloads).
		if w := res.Metrics["first_waited_ms"].(float64); w < 500 {
			t.Errorf("first_waited_ms = %v, want ≥ 500", w)
		}
		// Both barrier workers announced arriving before either stamped.
		for _, arrive := range []string{"barrier-1", "barrier-2"} {
			a := demotest.Index(c, arrive, "reaches the barrier")
			for _, stamp := range []string{"barrier-1", "barrier-2"} {
				if s := demotest.Index(c, stamp, "stamp"); a < 0 || s < a {
					t.Errorf("%s stamped (event %d) before %s reached the barrier (event %d)", stamp, s, arrive, a)
				}
			}
		}
	})
}

// Without the barrier the two workers stamp as far apart as their work.
func TestNoBarrierInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, barrier.New(), 1, "no-barrier")
		if skew := res.Metrics["barrier_skew_ms"].(float64); skew < 500 || !res.Observed {
			t.Fatalf("skew %v ms, result %+v", skew, res)
		}
		if demotest.Index(c, "barrier-1", "reaches the barrier") >= 0 {
			t.Error("a worker waited at a barrier that was switched off")
		}
	})
}

// The same seed gives the same random work, so a run can be replayed.
func TestSeedReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _ := demotest.MustRun(t, barrier.New(), 1)
		b, _ := demotest.MustRun(t, barrier.New(), 1)
		if a.Metrics["first_waited_ms"] != b.Metrics["first_waited_ms"] {
			t.Errorf("same seed, different waits: %v vs %v", a.Metrics, b.Metrics)
		}
	})
}

// Real time, real scheduler: the skew is measured, not assumed.
func TestBarrierRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, barrier.New(), 100)
	if _, ok := res.Metrics["barrier_skew_ms"].(float64); !ok {
		t.Fatalf("no skew measured: %v", res.Metrics)
	}
}
