package asyncfsm_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncfsm"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asyncfsm.New()) }

// In fake time the run takes exactly one second per visit to State1, and
// the path is legal and replays, whatever the seed.
func TestExactInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, asyncfsm.New(), 10)
		m := demotest.Metrics[asyncfsm.Metrics](t, res)
		if m.TotalStory != float64(m.State1Visits) || !m.Replayed || m.Path[0] != "Start" || m.MaxHolders != 1 {
			t.Errorf("metrics %+v", m)
		}
		if m.ReachedEnd != res.Observed {
			t.Errorf("reached end %v, observed %v: %s", m.ReachedEnd, res.Observed, res.Verdict)
		}
	})
}

func TestCutShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, asyncfsm.New(), 10, "max-transitions=1")
		m := demotest.Metrics[asyncfsm.Metrics](t, res)
		if len(m.Path) != 2 || m.ReachedEnd || res.Observed || res.Hint == "" {
			t.Errorf("metrics %+v: %s", m, res.Verdict)
		}
		if got := demotest.Knobs(t, asyncfsm.New(), "max-transitions=1").Classify(res); got.Class != "acceptable" {
			t.Errorf("classed %+v", got)
		}
	})
}

// An illegal transition or a path the seed does not replay is forbidden.
func TestVerdictCanFail(t *testing.T) {
	b := demotest.Knobs(t, asyncfsm.New())
	good := func() asyncfsm.Metrics {
		return asyncfsm.Metrics{Path: []string{"Start", "State1", "State2", "State3", "End"}, Values: []int{1, 1, 1, 1},
			ReachedEnd: true, State1Visits: 1, TotalStory: 1, Replayed: true, MaxHolders: 1, Tolerance: 0.3}
	}
	for _, tc := range []struct {
		change func(*asyncfsm.Metrics)
		class  string
	}{
		{func(m *asyncfsm.Metrics) {}, "interesting"},
		{func(m *asyncfsm.Metrics) { m.TotalStory = 3 }, "acceptable"},
		{func(m *asyncfsm.Metrics) { m.Values[1] = 0 }, "forbidden"},
		{func(m *asyncfsm.Metrics) { m.Replayed = false }, "forbidden"},
	} {
		m := good()
		tc.change(&m)
		if got := b.Classify(ev.Result{Metrics: m}); string(got.Class) != tc.class {
			t.Errorf("%+v classed %s, want %s", m, got.Class, tc.class)
		}
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncfsm.New(), 200)
	m := demotest.Metrics[asyncfsm.Metrics](t, res)
	if !m.Replayed || m.MaxHolders != 1 {
		t.Errorf("metrics %+v", m)
	}
}
