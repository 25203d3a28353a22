//go:build unix

package proc

import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

// setProcAttr puts the child in a process group of its own, so a Ctrl-C
// at the terminal reaches only the parent, which then ends its children in
// order instead of leaving them to die mid-sentence — and so killing the
// group also ends anything the child started.
func setProcAttr(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setDeathSignal(cmd.SysProcAttr)
	// If something the child started keeps its stderr open, Wait gives up
	// on the copy after this long instead of blocking for ever.
	cmd.WaitDelay = 2 * time.Second
}

// killGroup sends SIGKILL to the child's whole process group, then to the
// child itself (in case it left the group).
func killGroup(p *os.Process) {
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
	_ = p.Kill()
}

// Supported reports whether child processes work on this system.
func Supported() error { return nil }
