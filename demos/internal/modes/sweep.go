package modes

import (
	"time"

	"github.com/pardemo/pardemo/internal/proc"
)

// PoolWays is the ways --run-as runs that use the pool's workers, for a
// sweep of --workers: every selected mode but the sequential one, and
// under "all" not the process pool where this system cannot start child
// processes (a single run skips it there too).
func PoolWays(runAs string) []string {
	var out []string
	for _, m := range Selected(runAs) {
		if m == Sequential || (m == Processes && runAs == "all" && proc.Supported() != nil) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// SweepTime is a mode's compute time (its compute_ms: start-up left out)
// as a duration, for a sweep; ok is false when the mode did not run.
func SweepTime(m Metrics, ok bool) (time.Duration, bool) {
	if !ok {
		return 0, false
	}
	return time.Duration(m.ComputeMs * float64(time.Millisecond)), true
}
