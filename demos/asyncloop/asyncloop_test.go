package asyncloop_test

import (
	"slices"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncloop"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asyncloop.New()) }

// In fake time the chain is exact: callbacks at loop time 0, 1, … 8, in
// turn, and the ninth stops the loop at 8.
func TestExactInFakeTime(t *testing.T) {
	for _, speed := range []float64{1, 10} {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, asyncloop.New(), speed)
			m := demotest.Metrics[asyncloop.Metrics](t, res)
			wantOrder := []string{"function_1", "function_2", "function_3", "function_1", "function_2", "function_3", "function_1", "function_2", "function_3"}
			if !slices.Equal(m.Order, wantOrder) || !slices.Equal(m.Times, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}) {
				t.Errorf("order %v at %v", m.Order, m.Times)
			}
			if m.StoppedAt != 8 || m.MaxLate != 0 || m.MaxHolders != 1 || m.Callbacks != 9 || m.Until != 9 {
				t.Errorf("metrics %+v", m)
			}
			if !res.Observed {
				t.Errorf("not observed: %s", res.Verdict)
			}
			// Every callback ran on the loop.
			for _, e := range c.Events {
				if e.Kind == "step" && e.Actor != "loop" {
					t.Errorf("callback event by %q: %s", e.Actor, e.Msg)
				}
			}
			if i := demotest.Index(c, "loop", "function_3: 8.00 + 1 is not before the end 9.00"); i < 0 {
				t.Errorf("no stop event: %v", demotest.Messages(c))
			}
		})
	}
}

func TestUntilKnob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, asyncloop.New(), 10, "until=3.5")
		m := demotest.Metrics[asyncloop.Metrics](t, res)
		if m.Callbacks != 4 || m.StoppedAt != 3 || !res.Observed {
			t.Errorf("metrics %+v: %s", m, res.Verdict)
		}
	})
}

// A run far too fast for the machine is judged late, not shown: the
// timers cannot fire 1 µs apart under load. The verdict is tested here
// from a real run at a silly speed, which is late on any machine.
func TestLateIsNotShown(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncloop.New(), 1e7)
	m := demotest.Metrics[asyncloop.Metrics](t, res)
	if m.MaxLate <= 0.25 {
		t.Skipf("the machine kept a 0.1 µs pace (max late %v)", m.MaxLate)
	}
	if res.Observed || res.Hint == "" {
		t.Errorf("late run judged shown: %s", res.Verdict)
	}
}

// The outcomes: a late chain is acceptable; out of turn, a missed stop,
// or two holders is forbidden.
func TestVerdictCanFail(t *testing.T) {
	b := demotest.Knobs(t, asyncloop.New(), "until=3.5")
	good := func() asyncloop.Metrics {
		return asyncloop.Metrics{Until: 3.5, End: 3.5, Callbacks: 4, Order: []string{"function_1", "function_2", "function_3", "function_1"},
			Times: []float64{0, 1, 2, 3}, StoppedAt: 3, MaxHolders: 1, Tolerance: 0.25}
	}
	for _, tc := range []struct {
		change func(*asyncloop.Metrics)
		class  string
	}{
		{func(m *asyncloop.Metrics) {}, "interesting"},
		{func(m *asyncloop.Metrics) { m.Times, m.MaxLate, m.StoppedAt = []float64{0, 1, 2, 3.4}, 0.4, 3.4 }, "acceptable"},
		{func(m *asyncloop.Metrics) {
			m.Callbacks, m.Order, m.Times, m.MaxLate = 3, m.Order[:3], []float64{0, 1.3, 2.6}, 0.3
		}, "acceptable"},
		{func(m *asyncloop.Metrics) { m.Order[1] = "function_3" }, "forbidden"},
		{func(m *asyncloop.Metrics) { m.Callbacks, m.Order, m.Times = 3, m.Order[:3], m.Times[:3] }, "forbidden"},
		{func(m *asyncloop.Metrics) { m.MaxHolders = 2 }, "forbidden"},
	} {
		m := good()
		tc.change(&m)
		if got := b.Classify(ev.Result{Metrics: m}); string(got.Class) != tc.class {
			t.Errorf("%+v classed %s, want %s", m, got.Class, tc.class)
		}
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncloop.New(), 100)
	m := demotest.Metrics[asyncloop.Metrics](t, res)
	if m.Callbacks < 1 || m.MaxHolders != 1 {
		t.Errorf("metrics %+v", m)
	}
	demotest.CheckMetrics(t, asyncloop.New(), res)
}

func TestBadInput(t *testing.T) {
	if err := asyncloop.New().Bind().Set("until", "0"); err == nil {
		t.Error("until=0 accepted")
	}
}
