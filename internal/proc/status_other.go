//go:build !unix

package proc

import "os"

// Terminate ends the child (there are no signals here): Python's
// Process.terminate().
func (c *Child) Terminate() error { return c.Signal(os.Kill) }

func statusOf(st *os.ProcessState) Status {
	return Status{Code: st.ExitCode(), Go: st.String()}
}
