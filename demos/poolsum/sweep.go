package poolsum

import (
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
)

// sweep is `--workers 1,2,4,8`: the sum split into that many slices, each
// way that --run-as runs swept on its own, timed by its compute time (for
// processes that includes starting them: they start afresh every run).
func sweep() *demos.Sweep[Options, Metrics] {
	return &demos.Sweep[Options, Metrics]{
		Knob:  "workers",
		Timed: "compute time, slices out to sum merged (processes: start-up in)",
		Ways:  func(o *Options) []string { return modes.PoolWays(o.Mode) },
		Only:  func(o *Options, way string) { o.Mode = way },
		Once:  func(o *Options) { o.Rounds = 1 },
		Time: func(m Metrics, way string) (time.Duration, bool) {
			r, ok := m.Modes[way]
			return modes.SweepTime(r.Metrics, ok)
		},
		// About half a nanosecond an addition on one core, plus starting
		// the processes.
		Cost: func(o *Options, _ float64) time.Duration {
			d := time.Duration(o.N) * time.Nanosecond / 2
			if o.Mode == modes.Processes {
				d += time.Duration(o.Workers) * 5 * time.Millisecond
			}
			return d
		},
	}
}
