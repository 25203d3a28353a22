//go:build unix

package proc

import (
	"os"
	"syscall"
)

// Terminate sends the child SIGTERM: Python's Process.terminate().
func (c *Child) Terminate() error { return c.Signal(syscall.SIGTERM) }

func statusOf(st *os.ProcessState) Status {
	s := Status{Code: st.ExitCode(), Go: st.String()}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		s.Signal = int(ws.Signal())
		s.SignalName = ws.Signal().String()
	}
	return s
}
