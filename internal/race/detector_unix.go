//go:build unix

package race

import (
	"os/exec"
	"syscall"
)

// groupChild puts cmd in a process group of its own and makes a cancelled
// context kill the whole group: the go command's compilers and linker
// (and a C compiler for cgo) end with it.
func groupChild(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return cmd.Process.Kill()
	}
}
