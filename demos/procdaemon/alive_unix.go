//go:build unix

package procdaemon

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// exists reports whether a process with this pid is still there, a zombie
// (dead, not yet reaped by its parent — for an orphan, init) included.
func exists(pid int) bool {
	if _, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		return true
	} else if _, statErr := os.Stat("/proc/self"); statErr == nil {
		return false // a system with /proc, and this pid is not in it
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// running reports whether pid is there and not a zombie: it still runs.
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return exists(pid)
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z' && s[i+2] != 'X'
	}
	return true
}
