package gil

import (
	"time"

	"github.com/pardemo/pardemo/demos"
)

// The ways a sweep of gil's --workers compares: the CPU-bound jobs under
// the GIL and on all cores (sequential does not use the workers).
const (
	sweepGIL      = "under the GIL"
	sweepAllCores = "all cores"
)

// sweep is `gil --workers 1,2,4`: every run times both concurrent ways,
// once each, and the sweep compares their CPU-bound wall times. Under the
// GIL the speed-up stays near 1× whatever the workers; on all cores it
// climbs to the cores.
func sweep() *demos.Sweep[Options, Metrics] {
	return &demos.Sweep[Options, Metrics]{
		Knob:  "workers",
		Timed: "wall time of the CPU-bound jobs (--jobs counts to --count)",
		Zero:  func(o *Options) int { return o.Jobs },
		Ways:  func(*Options) []string { return []string{sweepGIL, sweepAllCores} },
		Once:  func(o *Options) { o.Trials = 1 },
		Time: func(m Metrics, way string) (time.Duration, bool) {
			ms := m.CPU.ParallelMs
			if way == sweepGIL {
				ms = m.CPU.GILMs
			}
			return time.Duration(ms * float64(time.Millisecond)), ms > 0
		},
		// About a nanosecond a counting step, three ways, and up to twice
		// as many trials on a busy machine; then the IO-bound waits: --jobs
		// one after another, and rounds of --workers at a time twice.
		Cost: func(o *Options, speed float64) time.Duration {
			cpu := 6 * time.Duration(o.Count) * time.Duration(o.Jobs) * time.Nanosecond
			w := workersOf(o)
			waits := float64(o.Jobs + 2*((o.Jobs+w-1)/w))
			return cpu + time.Duration(waits*ioWait/speed*float64(time.Second))
		},
	}
}
