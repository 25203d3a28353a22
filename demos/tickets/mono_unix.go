//go:build unix

package tickets

import "golang.org/x/sys/unix"

// monoNs reads CLOCK_MONOTONIC: one clock for every process on the
// machine, never stepped, unlike the wall clock the children stamp events
// with. 0 if it cannot be read.
func monoNs() int64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return ts.Nano()
}
