//go:build unix

package gil

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used so far,
// all threads together; 0 when the system will not say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
