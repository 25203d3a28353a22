package proc

import (
	"os"
	"strconv"
	"time"
)

// Status is how a child stands: running, or how it ended.
type Status struct {
	// Running: the child has not been reaped yet.
	Running bool
	// Code is the exit code of a child that exited; -1 while it runs or
	// if a signal ended it.
	Code int
	// Signal is the number of the signal that ended it (15 for SIGTERM),
	// 0 if it exited by itself or still runs.
	Signal int
	// SignalName is that signal's name as Go prints it ("terminated").
	SignalName string
	// Go is Go's own account, os.ProcessState.String(): "exit status 1",
	// "signal: terminated"; empty while it runs.
	Go string
}

// Python is multiprocessing's Process.exitcode for this status: "None"
// while running, the exit code, or minus the signal's number ("-15").
func (s Status) Python() string {
	switch {
	case s.Running:
		return "None"
	case s.Signal != 0:
		return strconv.Itoa(-s.Signal)
	default:
		return strconv.Itoa(s.Code)
	}
}

// Status reports whether the child still runs and, if not, how it ended.
func (c *Child) Status() Status {
	st := c.ProcessState()
	if st == nil {
		return Status{Running: true, Code: -1}
	}
	return statusOf(st)
}

// Alive reports whether the child has not been reaped yet: Python's
// is_alive(). A child that has exited is reaped at once, so this turns
// false as soon as the process is gone.
func (c *Child) Alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// WaitTimeout waits at most d for the child to end: Python's
// join(timeout). It reports whether the child has ended; if not, the
// child runs on.
func (c *Child) WaitTimeout(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
		return true
	case <-t.C:
		return false
	}
}

// Signal sends sig to the child process alone (not its process group).
// Unlike Kill, it leaves the outcome to the child: Err and Status then
// report the signal, or the exit status if the child caught it.
func (c *Child) Signal(sig os.Signal) error {
	if !c.Alive() {
		return os.ErrProcessDone
	}
	return c.cmd.Process.Signal(sig)
}
