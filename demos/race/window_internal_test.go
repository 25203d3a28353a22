package race

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/race"
)

// On one CPU the default window is a yield, and the lesson shows there
// (issue 12: with the spin it showed in 1 run of 3 under taskset -c 0).
// This really runs on one P: GOMAXPROCS(1) for the test's duration.
func TestOneCPUShowsTheRace(t *testing.T) {
	if testing.Short() {
		t.Skip("5 full runs on one CPU")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	o := &Options{Mode: "none", Workers: 2, Count: 1_000_000, Window: "auto", Trials: 1}
	s := newSetup(o, race.None)
	if s.window != race.Yield {
		t.Fatalf("window on one CPU: %s", s.window)
	}
	for i := range 5 {
		final, err := race.Run(context.Background(), race.Job{Mode: s.mode, Window: s.window, Deltas: s.deltas, Count: s.count, Beat: func() {}})
		if err != nil {
			t.Fatal(err)
		}
		if final == 0 {
			t.Errorf("run %d on one CPU: no drift", i+1)
		}
	}
}

// With more than one CPU the default stays the spin.
func TestWindowFromCPUs(t *testing.T) {
	defer func(f func() int) { cpus = f }(cpus)
	o := &Options{Mode: "none", Workers: 2, Count: 1_000_000, Window: "auto", Trials: 1}
	for n, want := range map[int]race.Window{1: race.Yield, 2: race.Spin, 8: race.Spin} {
		cpus = func() int { return n }
		if w := newSetup(o, race.None).window; w != want {
			t.Errorf("%d CPUs: window %s, want %s", n, w, want)
		}
	}
}

// A drift of 0 in the ± form is "none visible", never "nothing lost":
// lost additions and subtractions cancel (issue 12).
func TestNoDriftIsNoneVisible(t *testing.T) {
	o := &Options{Mode: "none", Workers: 2, Count: 1000, Window: "spin", Trials: 1}
	sd := side{setup: newSetup(o, race.None), finals: []int64{0}, walls: []time.Duration{time.Millisecond}}
	res := conclude([]side{sd})
	if res.Observed || strings.Contains(res.Verdict, "0 of") || !strings.Contains(res.Verdict, "no drift") || !strings.Contains(res.Verdict, "none visible") {
		t.Errorf("verdict: %s", res.Verdict)
	}
	sd.finals, sd.walls = []int64{0, 0, 0}, []time.Duration{1, 1, 1}
	if res := conclude([]side{sd}); !strings.Contains(res.Verdict, "no drift in any of 3 runs") {
		t.Errorf("verdict: %s", res.Verdict)
	}
	// With a lock a drift of 0 is the promise kept.
	sd.setup = newSetup(o, race.Mutex)
	if res := conclude([]side{sd}); !res.Observed || !strings.Contains(res.Verdict, "0 lost in all 3 runs") {
		t.Errorf("verdict: %s", res.Verdict)
	}
}
