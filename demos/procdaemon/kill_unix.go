//go:build unix

package procdaemon

import "syscall"

var killSignal = syscall.SIGKILL
