package poolfutures

import (
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
)

// sweep is `--workers 1,2,4,8`: each pool that --run-as runs swept on its
// own, timed by its compute time (the process pool's start-up, paid once,
// left out as in a single run).
func sweep() *demos.Sweep[Options, Metrics] {
	return &demos.Sweep[Options, Metrics]{
		Knob:  "workers",
		Timed: "compute time, first task out to last result in (start-up left out)",
		Ways:  func(o *Options) []string { return modes.PoolWays(o.RunAs) },
		Only:  func(o *Options, way string) { o.RunAs = way },
		Once:  func(o *Options) { o.Repeat = 1 },
		Time: func(m Metrics, way string) (time.Duration, bool) {
			r, ok := m.Modes[way]
			return modes.SweepTime(r, ok)
		},
		// About half a nanosecond a loop of count(x) on one core, plus
		// starting the processes.
		Cost: func(o *Options, _ float64) time.Duration {
			d := time.Duration(o.Items) * time.Duration(o.Loops) * time.Nanosecond / 2
			if o.RunAs == modes.Processes {
				d += time.Duration(o.Workers) * 5 * time.Millisecond
			}
			return d
		},
	}
}
