package proc

import (
	"os/exec"
	"runtime"
	"syscall"
)

// setDeathSignal asks Linux to kill the child if the parent dies. The
// signal is tied to the OS thread that started the child, not the whole
// parent process (see startOnThread), which is also why a child exits
// when its stdin closes.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// startOnThread starts cmd from a goroutine locked to its OS thread and
// keeps that thread until the child is reaped. Linux sends the death
// signal when the thread that forked the child exits, not when the
// process does; the Go runtime ends a thread when a goroutine locked to
// it returns, so without this a child could be killed early because some
// unrelated goroutine that happened to start it had locked its thread.
func startOnThread(c *Child, cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		err := cmd.Start()
		errc <- err
		if err == nil {
			<-c.done
		}
		runtime.UnlockOSThread()
	}()
	return <-errc
}
