package threadtimer

import (
	"strings"
	"testing"
	"time"
)

// timer-1 firing at 8.5 story-seconds for 1 is the machine falling behind,
// not the lesson (issue 12); a backlog above work ÷ interval is a bug.
// Measured values injected at --speed 1.
func TestFireTimeAndLevelJudged(t *testing.T) {
	one := oneShotResult{fires: 1, stopped: true, firedAt: 8500 * time.Millisecond}
	g := &greeter{work: 10, ticks: 5, maxLive: 5, perTick: []int{1, 2, 3, 4, 5}}
	res := conclude(1, one, g, true, 5)
	if res.Observed || !strings.Contains(res.Verdict, "could not keep the pace") {
		t.Errorf("fired at 8.5 for 1 passed: %s", res.Verdict)
	}
	one.firedAt = time.Second + 5*time.Millisecond
	if res := conclude(1, one, g, true, 5); !res.Observed || !strings.Contains(res.Verdict, "levels off at 10") {
		t.Errorf("on time failed: %s", res.Verdict)
	}
	g.maxLive, g.ticks = 12, 14
	if res := conclude(1, one, g, true, 10); res.Observed || !strings.Contains(res.Verdict, "report it") {
		t.Errorf("12 live for a level of 10 passed: %s", res.Verdict)
	}
}
