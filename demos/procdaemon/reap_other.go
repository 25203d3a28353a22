//go:build !linux

package procdaemon

import (
	"errors"
	"fmt"
	"time"
)

// adopt: only Linux lets a process adopt its descendants' orphans; here
// they go to init (launchd), which reaps them.
func adopt() (undo func(), err error) {
	return func() {}, errors.New("no subreaper on this system")
}

// reapOrphan waits (up to within) until init has reaped the orphan pid.
func reapOrphan(pid int, within time.Duration, beat func()) (string, error) {
	deadline := time.Now().Add(within)
	for exists(pid) {
		if time.Now().After(deadline) {
			return "", fmt.Errorf("pid %d was still there after %s", pid, within)
		}
		beat()
		time.Sleep(5 * time.Millisecond)
	}
	return "reaped by init", nil
}
