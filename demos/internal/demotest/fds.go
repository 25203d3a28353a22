package demotest

import (
	"os"
	"testing"
	"time"
)

// openFiles counts this process's open file descriptors, sockets
// included; it skips the test where /proc/self/fd does not exist.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(fds)
}

// NoFileLeft runs f and fails t if more file descriptors (files, pipes,
// sockets) are open afterwards than before, allowing a second for
// connections that close in the background. goleak, in TestMain, checks
// the goroutines.
func NoFileLeft(t *testing.T, f func()) {
	t.Helper()
	before := openFiles(t)
	f()
	deadline := time.Now().Add(time.Second)
	for openFiles(t) > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := openFiles(t); after > before {
		t.Errorf("%d file descriptors open before the run, %d after", before, after)
	}
}
