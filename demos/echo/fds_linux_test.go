package echo_test

import (
	"os"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/echo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

// openFiles counts this process's open file descriptors: sockets included.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(fds)
}

// A run closes every socket it opened: the listener, the 2 × clients ends
// of the connections. (goleak, in TestMain, checks the goroutines.)
func TestNoSocketLeftOpen(t *testing.T) {
	before := openFiles(t)
	demotest.MustRun(t, echo.New(), 10, "clients=200", "rounds=5")
	deadline := time.Now().Add(time.Second)
	for openFiles(t) > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := openFiles(t); after > before {
		t.Errorf("%d file descriptors open before the run, %d after", before, after)
	}
}
