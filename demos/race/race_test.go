package race_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
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
		if demotest.Metrics[race.Metrics](t, res).LostUpdates > 0 {
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
		m := demotest.Metrics[race.Metrics](t, res)
		if m.Observed != m.Expected || m.LostUpdates != 0 || !res.Observed {
			t.Errorf("%v: %+v, verdict %q", knobs, m, res.Verdict)
		}
	}
}

func TestCompareAndTrials(t *testing.T) {
	res, c := demotest.MustRun(t, race.New(), 10, "compare", "trials=5", "count=200000")
	m := demotest.Metrics[race.Metrics](t, res)
	if m.Compare == nil {
		t.Fatalf("no compare metrics: %+v", m)
	}
	mutex, okM := m.Compare["mutex"]
	none, okN := m.Compare["none"]
	if !okM || !okN || len(m.Compare) != 2 {
		t.Fatalf("compare sides %v, want none and mutex", slices.Sorted(maps.Keys(m.Compare)))
	}
	if mutex.RunsWithLoss != 0 || mutex.Trials != 5 || none.Trials != 5 {
		t.Errorf("compare = %+v", m.Compare)
	}
	// Each side carries its whole distribution, not only its last trial.
	for mode, s := range m.Compare {
		if len(s.Finals) != 5 || !slices.Contains(s.Finals, s.Observed) || s.Spread == nil || s.LostUpdates != s.Spread.LostMax {
			t.Errorf("%s: finals %v, observed %d, spread %+v", mode, s.Finals, s.Observed, s.Spread)
		}
	}
	if m.Mode != "mutex" {
		t.Errorf("top-level metrics describe %v, want the protected side", m.Mode)
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

// With --trials the metrics carry every trial's final value and the
// spread, and observed and lost_updates are the worst trial's, not the
// last one's (issue 12): "lost_updates > 0" then agrees with runs_with_loss.
func TestTrialsCarryTheDistribution(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "trials=4", "count=100000")
	m := demotest.Metrics[race.Metrics](t, res)
	if m.Trials != 4 || len(m.Finals) != 4 || !slices.Contains(m.Finals, m.Observed) || m.Spread == nil ||
		m.LostUpdates != m.Spread.LostMax || (m.LostUpdates > 0) != (m.RunsWithLoss > 0) {
		t.Fatalf("metrics %+v", m)
	}
	withLoss, hist := 0, 0
	for _, f := range m.Finals {
		if f != m.Expected {
			withLoss++
		}
	}
	for _, n := range m.Histogram {
		hist += n
	}
	if withLoss != m.RunsWithLoss || hist != 4 || m.LostMin > m.LostMedian || m.LostMedian > m.LostMax {
		t.Errorf("finals %v (expected %d) vs runs_with_loss %d, spread %+v", m.Finals, m.Expected, m.RunsWithLoss, *m.Spread)
	}
}

// The JSON keys and their types are what docs/json.md and scripts rely
// on: the distribution keys only with --trials > 1, compare only with
// --compare, and the same keys for each compared side.
func TestJSONKeys(t *testing.T) {
	base := []string{"count", "expected", "finals", "lost_updates", "mode", "ns_per_update", "observed", "runs_with_loss", "trials", "window", "workers"}
	spread := []string{"histogram", "lost_max", "lost_median", "lost_min"}
	keys := func(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
	decode := func(knobs ...string) map[string]any {
		t.Helper()
		res, _ := demotest.MustRun(t, race.New(), 10, knobs...)
		b, err := json.Marshal(res.Metrics)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	one := decode("count=1000")
	if got := keys(one); !slices.Equal(got, base) {
		t.Errorf("one trial: keys %v, want %v", got, base)
	}
	if _, ok := one["observed"].(float64); !ok {
		t.Errorf("observed is %T, want a number", one["observed"])
	}
	withSpread := slices.Sorted(slices.Values(append(slices.Clone(base), spread...)))
	if got := keys(decode("count=1000", "trials=3")); !slices.Equal(got, withSpread) {
		t.Errorf("three trials: keys %v, want %v", got, withSpread)
	}
	cmp := decode("count=1000", "compare")
	if got, want := keys(cmp), slices.Sorted(slices.Values(append(slices.Clone(base), "compare"))); !slices.Equal(got, want) {
		t.Errorf("compare: keys %v, want %v", got, want)
	}
	sides, _ := cmp["compare"].(map[string]any)
	if got := keys(sides); !slices.Equal(got, []string{"mutex", "none"}) {
		t.Fatalf("compare sides %v", got)
	}
	for mode, s := range sides {
		if got := keys(s.(map[string]any)); !slices.Equal(got, base) {
			t.Errorf("compare.%s: keys %v, want %v", mode, got, base)
		}
	}
}

// The crowd form: 1000 workers, one update each, yielding in the window.
func TestCrowdForm(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "workers=1000", "count=1")
	m := demotest.Metrics[race.Metrics](t, res)
	if m.Expected != 1000 || m.Window != "yield" || m.Workers != 1000 {
		t.Errorf("metrics %+v", m)
	}
	if m.Observed < 1 || m.Observed > 1000 {
		t.Errorf("observed %d out of range", m.Observed)
	}
}

// One worker cannot race: the verdict must not claim the lesson.
func TestOneWorkerIsHonest(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "workers=1", "count=1000")
	if res.Observed || res.Hint == "" || demotest.Metrics[race.Metrics](t, res).LostUpdates != 0 {
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
		if err := demotest.CheckErr(t, d, knobs...); err == nil {
			t.Errorf("%v accepted", knobs)
		}
	}
	for _, knobs := range [][]string{{"lock"}, {"lock", "mode=mutex"}, {"workers=10000", "count=25000"}} {
		if err := demotest.CheckErr(t, d, knobs...); err != nil {
			t.Errorf("%v refused: %v", knobs, err)
		}
	}
}

// Issue 14: many workers with a few thousand updates each used to beat
// only once, at their start, so a run through the channel owner was
// silent for its whole length and the watchdog ended it as stuck. Every
// worker now beats as it goes, whatever the split.
func TestManySmallWorkersOutliveTheWatchdog(t *testing.T) {
	d := race.New()
	b := demotest.Knobs(t, d, "mode=channel", "workers=200", "count=16000")
	res, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: 1, Speed: 10, Knobs: b, Watchdog: 100 * time.Millisecond}, &demotest.Capture{})
	if err != nil {
		t.Fatalf("a valid run was stopped: %v", err)
	}
	if m := demotest.Metrics[race.Metrics](t, res); m.Observed != m.Expected || !res.Observed {
		t.Errorf("metrics %+v, verdict %q", m, res.Verdict)
	}
}

// Issue 14: Ctrl-C during a crowd run through the channel owner used to
// wait for every queued update (seconds); now the workers stop within a
// few updates each and the run ends as interrupted, with nothing left
// running (goleak checks).
func TestInterruptStopsACrowdPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled atomic.Int64 // when, in Unix nanoseconds
	timer := time.AfterFunc(50*time.Millisecond, func() { cancelled.Store(time.Now().UnixNano()); cancel() })
	defer timer.Stop()
	res, c, err := demotest.RunCtx(ctx, t, race.New(), 10, "mode=channel", "workers=2000", "count=16000")
	returned := time.Now()
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Fatalf("err %v, result %+v", err, res)
	}
	if len(c.Fails) != 1 || !strings.Contains(c.Fails[0], "interrupted") {
		t.Errorf("fails %q", c.Fails)
	}
	// The runner gives a stopped scenario 1s before it gives up on it.
	if late := returned.Sub(time.Unix(0, cancelled.Load())); late > 500*time.Millisecond {
		t.Errorf("returned %v after Ctrl-C", late)
	}
}
