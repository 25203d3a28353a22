//go:build unix

package barrier_test

import (
	"errors"
	"syscall"
)

// gone reports that no process pid exists any more: reaped, not a zombie.
func gone(pid int) bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }
