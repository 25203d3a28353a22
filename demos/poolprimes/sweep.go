package poolprimes

import (
	"runtime"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
)

// sweep is `--workers 1,2,4,8`: each pool that --run-as runs is swept on
// its own, timed by its compute time (the process pool's start-up, paid
// once, left out as in a single run).
func sweep() *demos.Sweep[Options, Metrics] {
	return &demos.Sweep[Options, Metrics]{
		Knob:  "workers",
		Timed: "compute time, first task out to last result in (start-up left out)",
		Zero:  func(*Options) int { return min(runtime.NumCPU(), 64) },
		Ways:  func(o *Options) []string { return modes.PoolWays(o.Mode) },
		Only:  func(o *Options, way string) { o.Mode = way },
		Once:  func(o *Options) { o.Rounds = 1 },
		Time: func(m Metrics, way string) (time.Duration, bool) {
			r, ok := m.Modes[way]
			return modes.SweepTime(r, ok)
		},
		// About 2ns a trial division on one core (the cookbook's list:
		// about 50ms), plus the processes' start-up.
		Cost: func(o *Options, _ float64) time.Duration {
			var per uint64
			for _, n := range o.Numbers {
				per += Divisions(n)
			}
			d := time.Duration(min(per, 1<<50)) * 2 * time.Nanosecond
			if o.Mode == modes.Processes {
				d += time.Duration(o.Workers) * 5 * time.Millisecond
			}
			return d
		},
	}
}
