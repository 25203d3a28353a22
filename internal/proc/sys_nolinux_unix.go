//go:build unix && !linux

package proc

import "syscall"

// setDeathSignal: only Linux has a parent-death signal; elsewhere a child
// notices its parent is gone when its standard input closes.
func setDeathSignal(*syscall.SysProcAttr) {}
