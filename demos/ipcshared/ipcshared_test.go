package ipcshared_test

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcshared"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the adder and doubler processes.
func TestMain(m *testing.M) { demotest.Main(m, ipcshared.New()) }

func skipUnsupported(t *testing.T) {
	t.Helper()
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
}

// Without the lock, updates are lost between processes in at least 19 of
// 20 default runs; every run's array part and cleanup hold whatever the
// race did.
func TestDefaultLosesUpdates(t *testing.T) {
	skipUnsupported(t)
	d := ipcshared.New()
	defer ipcshared.NoBeats()() // the reading pauses are not what this measures
	const runs = 20
	shown := 0
	for i := range runs {
		res, _ := demotest.MustRun(t, d, 50)
		m := demotest.Metrics[ipcshared.Metrics](t, res)
		if m.Expected != 40_000 || m.UpdatesTotal != m.Expected || m.Lost != m.Expected-m.Final || m.Final < 1 || m.Final > m.Expected {
			t.Errorf("run %d: inconsistent metrics %+v", i, m)
		}
		if !m.ArrayDoubled || !m.FilesRemoved || len(m.Pids) != 5 {
			t.Errorf("run %d: array/cleanup %+v", i, m)
		}
		t.Logf("run %d: lost %d ns/update %.0f overlapped %v", i, m.Lost, m.NsPerUpdate, m.Overlapped)
		if m.Lost > 0 {
			shown++
			if !res.Observed || !strings.HasPrefix(res.Verdict, "lost ") {
				t.Errorf("run %d: lost %d but verdict %q", i, m.Lost, res.Verdict)
			}
		} else if res.Observed || res.Hint == "" {
			t.Errorf("run %d: nothing lost, verdict %q observed %v hint %q", i, res.Verdict, res.Observed, res.Hint)
		}
		if info := demotest.Knobs(t, d).Classify(res); info.Class == demos.Forbidden || info.Class == demos.Unexpected {
			t.Errorf("run %d: outcome %+v", i, info)
		}
	}
	t.Logf("updates lost in %d of %d default runs", shown, runs)
	if shown < runs-1 {
		t.Errorf("updates lost in only %d of %d runs", shown, runs)
	}
}

// With the lock the total is exact, always.
func TestLockIsExact(t *testing.T) {
	skipUnsupported(t)
	d := ipcshared.New()
	for _, knobs := range [][]string{{"lock"}, {"lock", "children=8", "count=2000"}, {"lock", "window=none"}} {
		res, _ := demotest.MustRun(t, d, 50, knobs...)
		m := demotest.Metrics[ipcshared.Metrics](t, res)
		if m.Lost != 0 || m.Final != m.Expected || !res.Observed || !m.ArrayDoubled || !m.FilesRemoved {
			t.Errorf("%v: verdict %q metrics %+v", knobs, res.Verdict, m)
		}
		if info := demotest.Knobs(t, d, knobs...).Classify(res); info.Name != "exact" {
			t.Errorf("%v: outcome %+v", knobs, info)
		}
	}
}

func TestBadKnobs(t *testing.T) {
	if err := demotest.CheckErr(t, ipcshared.New(), "children=16", "count=1000000"); err == nil {
		t.Error("16 × 1,000,000 increments accepted")
	}
}
