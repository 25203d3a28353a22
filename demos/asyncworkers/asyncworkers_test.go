package asyncworkers_test

import (
	"math"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncworkers"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asyncworkers.New()) }

// In fake time the wall is the schedule, to the millisecond, and every
// worker ends cancelled.
func TestExactInFakeTime(t *testing.T) {
	for _, knobs := range [][]string{nil, {"workers=1"}, {"workers=5", "items=40"}, {"workers=30", "items=10"}} {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, asyncworkers.New(), 10, knobs...)
			m := demotest.Metrics[asyncworkers.Metrics](t, res)
			if math.Abs(m.WallStory-m.Schedule) > 0.002 || m.Handled != m.Items || len(m.Cancelled) != m.Workers || m.CancelledInGet != m.Workers || m.MaxHolders != 1 {
				t.Errorf("%v: metrics %+v", knobs, m)
			}
			if m.Workers == 1 && math.Abs(m.WallStory-m.TotalSleep) > 0.002 {
				t.Errorf("one worker: wall %v, total %v", m.WallStory, m.TotalSleep)
			}
			if res.Observed != (m.Workers > 1) {
				t.Errorf("%v: observed %v: %s", knobs, res.Observed, res.Verdict)
			}
			for i := range m.Workers {
				name := "worker-" + string(rune('0'+i%10))
				if i < 10 && demotest.Index(c, "main", name+": cancelled() = true") < 0 {
					t.Errorf("%v: no cancellation reported for %s", knobs, name)
				}
			}
		})
	}
}

// The outcomes fail for a lost item, a worker left running, a wall
// faster than the schedule, and say "late" for a slow machine.
func TestVerdictCanFail(t *testing.T) {
	b := demotest.Knobs(t, asyncworkers.New())
	good := func() asyncworkers.Metrics {
		return asyncworkers.Metrics{Items: 20, Workers: 3, TotalSleep: 10, WallStory: 3.5, Schedule: 3.45, Handled: 20,
			Cancelled: []string{"worker-0", "worker-1", "worker-2"}, CancelledInGet: 3, MaxHolders: 1, Tolerance: 0.3}
	}
	for _, tc := range []struct {
		change func(*asyncworkers.Metrics)
		class  string
	}{
		{func(m *asyncworkers.Metrics) {}, "interesting"},
		{func(m *asyncworkers.Metrics) { m.WallStory = 5 }, "acceptable"},
		{func(m *asyncworkers.Metrics) { m.Handled = 19 }, "forbidden"},
		{func(m *asyncworkers.Metrics) { m.Cancelled = m.Cancelled[:2] }, "forbidden"},
		{func(m *asyncworkers.Metrics) { m.WallStory = 2 }, "forbidden"},
		{func(m *asyncworkers.Metrics) { m.CancelledInGet = 2 }, "forbidden"},
	} {
		m := good()
		tc.change(&m)
		if got := b.Classify(ev.Result{Metrics: m}); string(got.Class) != tc.class {
			t.Errorf("%+v classed %s, want %s", m, got.Class, tc.class)
		}
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncworkers.New(), 100)
	m := demotest.Metrics[asyncworkers.Metrics](t, res)
	if m.Handled != 20 || len(m.Cancelled) != 3 || m.WallStory < m.Schedule-0.01 {
		t.Errorf("metrics %+v", m)
	}
}
