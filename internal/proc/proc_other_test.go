//go:build unix && !linux

package proc_test

import (
	"syscall"
	"testing"
)

// assertGone fails if pid still answers signal 0 (on non-Linux unix a
// zombie would too, which is what we want to catch).
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("pid %d still exists", pid)
	}
}
