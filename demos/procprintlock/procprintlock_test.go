package procprintlock_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procprintlock"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the printing processes.
func TestMain(m *testing.M) { demotest.Main(m, procprintlock.New()) }

func skip(t *testing.T) {
	t.Helper()
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
}

// load keeps every CPU busy until stop is called: the lesson must show on
// a loaded machine too.
func load() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 0
			for ctx.Err() == nil {
				for i := range 10000 {
					x += i
				}
			}
			_ = x
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// At the default knobs, lines are mangled in at least 19 of 20 runs, also
// with every CPU kept busy; nothing is ever lost.
func TestDefaultMangles(t *testing.T) {
	skip(t)
	if testing.Short() {
		t.Skip("20 full runs")
	}
	d := procprintlock.New()
	defer procprintlock.NoBeats()() // the reading pauses are not what this measures
	stop := load()
	defer stop()
	mangled := 0
	for range 20 {
		res, _ := demotest.MustRun(t, d, 10)
		m := demotest.Metrics[procprintlock.Metrics](t, res)
		if !m.NothingLost || m.Lines != 10 {
			t.Fatalf("bytes lost: %+v", m)
		}
		if m.MangledLines > 0 {
			mangled++
			if !res.Observed {
				t.Errorf("mangled but not observed: %s", res.Verdict)
			}
		} else if res.Observed || res.Hint == "" {
			t.Errorf("whole lines must be reported honestly with a hint: %+v", res)
		}
	}
	t.Logf("mangled in %d of 20 runs under load", mangled)
	if mangled < 19 {
		t.Fatalf("mangled lines in only %d of 20 default runs", mangled)
	}
}

// With the lock every line is whole, always; the lock file's directory is
// gone afterwards.
func TestLockKeepsLinesWhole(t *testing.T) {
	skip(t)
	d := procprintlock.New()
	for _, knobs := range [][]string{{"lock"}, {"lock", "children=20", "pieces=4", "pause=0.02"}, {"lock", "pause=0"}} {
		res, c := demotest.MustRun(t, d, 10, knobs...)
		m := demotest.Metrics[procprintlock.Metrics](t, res)
		if m.MangledLines != 0 || m.WholeLines != m.Children || !m.NothingLost || m.Overlapped || !res.Observed {
			t.Errorf("%v: %+v, verdict %q", knobs, m, res.Verdict)
		}
		if o := demotest.Knobs(t, d, knobs...).Classify(res); o.Class == demos.Forbidden {
			t.Errorf("%v: outcome %+v", knobs, o)
		}
		if _, err := os.Stat(filepath.Dir(m.LockFile)); !os.IsNotExist(err) {
			t.Errorf("lock directory %s left behind (%v)", filepath.Dir(m.LockFile), err)
		}
		if len(c.Events) == 0 {
			t.Error("no events")
		}
	}
}

// The pauses a locked run adds up to are bounded, so a typo cannot ask for
// a 40-minute run (found in review).
func TestTotalPausesBounded(t *testing.T) {
	if err := demotest.CheckErr(t, procprintlock.New(), "children=64", "pieces=40", "pause=1"); err == nil {
		t.Error("64 × 39 × 1 story-seconds of pauses accepted")
	}
	if err := demotest.CheckErr(t, procprintlock.New()); err != nil {
		t.Errorf("the defaults refused: %v", err)
	}
}
