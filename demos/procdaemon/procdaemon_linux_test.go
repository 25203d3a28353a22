package procdaemon_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procdaemon"
)

// Stopped in the middle (Ctrl-C), the run leaves no process behind — not
// even a zombie: the main process ends and reaps its own children first.
func TestInterruptedLeavesNothing(t *testing.T) {
	for _, after := range []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 1200 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		timer := time.AfterFunc(after, cancel)
		_, c, err := demotest.RunCtx(ctx, t, procdaemon.New(), 1)
		timer.Stop()
		cancel()
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Logf("stopped after %s: err %v", after, err)
		}
		pids := map[int]bool{}
		for _, e := range c.Events {
			for _, k := range []string{"pid", "grandchild"} {
				switch p := e.Attrs[k].(type) {
				case int:
					pids[p] = true
				case float64:
					pids[int(p)] = true
				}
			}
		}
		if len(pids) == 0 {
			t.Fatalf("stopped after %s: no process was reported", after)
		}
		deadline := time.Now().Add(time.Second)
		for pid := range pids {
			for {
				_, err := os.Stat("/proc/" + strconv.Itoa(pid))
				if err != nil {
					break
				}
				if time.Now().After(deadline) {
					stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
					t.Fatalf("stopped after %s: pid %d is still there: %s", after, pid, stat)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
}
