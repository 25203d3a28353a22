package race_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/race"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The headline promise: with default knobs the unprotected counter loses
// updates in at least 19 of 20 runs. Each run here is a full default run
// (2 × 1,000,000 updates); a failure means the lesson is unreliable.
func TestDefaultShowsLostUpdates(t *testing.T) {
	if testing.Short() {
		t.Skip("20 full runs")
	}
	lost := 0
	for range 20 {
		res, _ := demotest.MustRun(t, race.New(), 10)
		if res.Metrics["lost_updates"].(int64) > 0 {
			lost++
			if !res.Observed {
				t.Errorf("updates lost but lesson_observed false: %q", res.Verdict)
			}
		} else if res.Observed || res.Hint == "" {
			t.Errorf("nothing lost must be reported honestly with a hint: %+v", res)
		}
	}
	if lost < 19 {
		t.Fatalf("lost updates in only %d of 20 default runs", lost)
	}
}

// Every protection is exact, for both the cookbook's pair and a crowd.
func TestProtectedModesLoseNothing(t *testing.T) {
	for _, knobs := range [][]string{
		{"lock"},
		{"mode=mutex", "workers=8", "count=20000"},
		{"mode=atomic"},
		{"mode=channel", "count=100000"},
		{"mode=mutex", "workers=1000", "count=1"},
		{"lock", "window=yield", "count=20000"},
	} {
		res, _ := demotest.MustRun(t, race.New(), 10, knobs...)
		m := res.Metrics
		if m["observed"] != m["expected"] || m["lost_updates"] != int64(0) || !res.Observed {
			t.Errorf("%v: %v, verdict %q", knobs, m, res.Verdict)
		}
	}
}

func TestCompareAndTrials(t *testing.T) {
	res, c := demotest.MustRun(t, race.New(), 10, "compare", "trials=5", "count=200000")
	cmp, ok := res.Metrics["compare"].(map[string]any)
	if !ok {
		t.Fatalf("no compare metrics: %v", res.Metrics)
	}
	mutex := cmp["mutex"].(map[string]any)
	none := cmp["none"].(map[string]any)
	if mutex["runs_with_loss"] != 0 || mutex["trials"] != 5 || none["trials"] != 5 {
		t.Errorf("compare = %v", cmp)
	}
	if res.Metrics["mode"] != "mutex" {
		t.Errorf("top-level metrics describe %v, want the protected side", res.Metrics["mode"])
	}
	if len(res.Tables) != 1 || len(res.Tables[0].Header) != 3 {
		t.Errorf("want one side-by-side histogram, got %+v", res.Tables)
	}
	trials := 0
	for _, e := range c.Events {
		if e.Actor == "main" && e.Attrs["trial"] != nil {
			trials++
		}
	}
	if trials != 10 {
		t.Errorf("%d trial events, want 10", trials)
	}
}

// The crowd form: 1000 workers, one update each, yielding in the window.
func TestCrowdForm(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "workers=1000", "count=1")
	m := res.Metrics
	if m["expected"] != int64(1000) || m["window"] != "yield" || m["workers"] != 1000 {
		t.Errorf("metrics %v", m)
	}
	if obs := m["observed"].(int64); obs < 1 || obs > 1000 {
		t.Errorf("observed %d out of range", obs)
	}
}

// One worker cannot race: the verdict must not claim the lesson.
func TestOneWorkerIsHonest(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "workers=1", "count=1000")
	if res.Observed || res.Hint == "" || res.Metrics["lost_updates"] != int64(0) {
		t.Errorf("%+v", res)
	}
}

func TestCheckRejectsBadCombinations(t *testing.T) {
	d := race.New()
	for _, knobs := range [][]string{
		{"lock", "mode=atomic"},
		{"plain", "mode=mutex"},
		{"plain", "compare"},
		{"workers=10000", "count=100000000"},
		{"count=50000000", "trials=3", "compare"},
	} {
		v := demotest.Values(t, d, knobs...)
		if err := d.Check(v); err == nil {
			t.Errorf("%v accepted", knobs)
		}
	}
}
