package semaphorelimit

import (
	"strings"
	"testing"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

// The timing claim is judged: 246 story-seconds for "about 20" is the
// machine falling behind, not the lesson (issue 12). Measured times are
// injected at --speed 1000.
func TestLateRunNotPassed(t *testing.T) {
	o := &Options{Workers: 100, Limit: 5}
	conc := func(wall time.Duration) (bool, string) {
		g := &gauge{}
		g.most.Store(5)
		sem := isync.NewBoundedSemaphore(5)
		res := conclude(1000, o, g, sem, wall, sem.Release())
		return res.Observed, res.Verdict + " | " + res.Hint
	}
	if ok, v := conc(246 * time.Millisecond); ok || !strings.Contains(v, "could not keep the pace") || !strings.Contains(v, "--speed") {
		t.Errorf("246 story-s for 20 passed: %s", v)
	}
	if ok, v := conc(21 * time.Millisecond); !ok {
		t.Errorf("21 story-s for 20 failed: %s", v)
	}
	if ok, v := conc(10 * time.Millisecond); ok || !strings.Contains(v, "report it") {
		t.Errorf("10 story-s for 20 waves passed: %s", v)
	}
}
