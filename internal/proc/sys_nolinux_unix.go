//go:build unix && !linux

package proc

import (
	"os/exec"
	"syscall"
)

// setDeathSignal: only Linux has a parent-death signal; elsewhere a child
// notices its parent is gone when its standard input closes.
func setDeathSignal(*syscall.SysProcAttr) {}

func startOnThread(_ *Child, cmd *exec.Cmd) error { return cmd.Start() }
