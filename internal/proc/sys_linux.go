package proc

import "syscall"

// setDeathSignal asks Linux to kill the child if the parent dies. The
// signal is tied to the OS thread that started the child, not the whole
// parent process, which is why a child also exits when its stdin closes.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
