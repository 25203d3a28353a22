package procdaemon

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// prSetChildSubreaper is prctl's PR_SET_CHILD_SUBREAPER.
const prSetChildSubreaper = 36

// adopt makes this process the one that orphans of its descendants are
// handed to (a "subreaper"), instead of init, until undo is called: the
// children of the killed main process then come to pardemo, which reaps
// them itself and so learns how they died, and nothing of the run is left
// for anyone else to clean up.
func adopt() (undo func(), err error) {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		return func() {}, errno
	}
	return func() { syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0) }, nil
}

// reapOrphan waits (up to within) until the orphan pid has been handed to
// this process and has died, reaps it, and says how it ended.
func reapOrphan(pid int, within time.Duration, beat func()) (string, error) {
	deadline := time.Now().Add(within)
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		switch {
		case err == nil && got == pid:
			if ws.Signaled() {
				return "signal: " + ws.Signal().String(), nil
			}
			return fmt.Sprintf("exit status %d", ws.ExitStatus()), nil
		case err != nil && !errors.Is(err, syscall.ECHILD) && !errors.Is(err, syscall.EINTR):
			return "", err
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("pid %d was not reaped within %s", pid, within)
		}
		beat()
		time.Sleep(time.Millisecond)
	}
}
