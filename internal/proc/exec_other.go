//go:build !unix

package proc

import (
	"errors"
	"runtime"
)

// ErrNoExec: this system cannot replace a running process's image.
var ErrNoExec = errors.New("replacing a running program (exec) is not supported on " + runtime.GOOS)

// CanExec reports whether Exec works here.
func CanExec() error { return ErrNoExec }

// Exec is not available on this system.
func Exec(path string, argv, env []string) error { return ErrNoExec }

func closeOnExec(int) {}
