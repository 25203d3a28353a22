package asyncfutures_test

import (
	"slices"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncfutures"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asyncfutures.New()) }

// In fake time the callbacks run at exactly 2 and 3, on the loop.
func TestExactInFakeTime(t *testing.T) {
	for _, n := range []string{"n=1", "n=10", "n=300"} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, asyncfutures.New(), 10, n)
			m := demotest.Metrics[asyncfutures.Metrics](t, res)
			if !slices.Equal(m.CallbackOrder, []string{"future2", "future1"}) || !slices.Equal(m.CallbackTimes, []float64{2, 3}) ||
				!slices.Equal(m.CallbackHolders, []string{"loop", "loop"}) || m.TotalStory != 3 || !m.SumOK || !m.FactorialOK {
				t.Errorf("%s: metrics %+v", n, m)
			}
			if !res.Observed {
				t.Errorf("%s: %s", n, res.Verdict)
			}
		})
	}
}

func TestValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, asyncfutures.New(), 10, "n=1000")
		m := demotest.Metrics[asyncfutures.Metrics](t, res)
		if m.Sum != 500500 || m.FactorialDigits != 2568 || !m.FactorialOK {
			t.Errorf("metrics %+v", m)
		}
	})
}

// A big N! held the loop: the callbacks are due later by as much, and
// the verdict still judges them on time against that.
func TestHeldLoopShiftsTheCallbacks(t *testing.T) {
	b := demotest.Knobs(t, asyncfutures.New())
	m := asyncfutures.Metrics{N: 20000, SumOK: true, FactorialOK: true, MaxHolders: 1,
		CallbackOrder: []string{"future1", "future2"}, CallbackTimes: []float64{3.5, 5.5},
		CallbackHolders: []string{"loop", "loop"}, TotalStory: 5.5, ProductHeld: 3.5, Tolerance: 0.3}
	if got := b.Classify(ev.Result{Metrics: m}); got.Class != "interesting" {
		t.Errorf("classed %+v", got)
	}
	m.CallbackTimes = []float64{3.5, 7}
	if got := b.Classify(ev.Result{Metrics: m}); got.Class != "acceptable" {
		t.Errorf("late classed %+v", got)
	}
	m.FactorialOK = false
	if got := b.Classify(ev.Result{Metrics: m}); got.Class != "forbidden" {
		t.Errorf("wrong classed %+v", got)
	}
	m.FactorialOK, m.CallbackHolders = true, []string{"loop", "second_coroutine"}
	if got := b.Classify(ev.Result{Metrics: m}); got.Class != "forbidden" {
		t.Errorf("off-loop callback classed %+v", got)
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncfutures.New(), 100, "n=20000")
	m := demotest.Metrics[asyncfutures.Metrics](t, res)
	if !m.SumOK || !m.FactorialOK || m.FactorialDigits != 77338 || m.ProductMs <= 0 {
		t.Errorf("metrics %+v", m)
	}
	t.Logf("20000! held the loop %.1f ms: %s", m.ProductMs, res.Verdict)
}
