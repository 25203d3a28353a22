//go:build !unix

package proc

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// ErrUnsupported is returned on systems where pardemo's process lessons do
// not run: they rely on unix process groups to clean up after themselves.
var ErrUnsupported = errors.New("process scenarios are not supported on " + runtime.GOOS + " (they need unix process groups)")

func setProcAttr(*exec.Cmd) {}

func killGroup(p *os.Process) {
	if p != nil {
		_ = p.Kill()
	}
}

// Supported reports whether child processes work on this system.
func Supported() error { return ErrUnsupported }

func startOnThread(_ *Child, cmd *exec.Cmd) error { return cmd.Start() }
