package threadstart

import (
	"strings"
	"testing"
	"time"
)

// "With join, main ends after about the longest worker" is judged against
// the clock: 13 story-seconds for a 10-second worker is the machine falling
// behind (issue 12), and on_pace says so. Measured times injected at
// --speed 1.
func TestJoinedLateNotPassed(t *testing.T) {
	s := time.Second
	free := round{ended: 10 * time.Millisecond, finished: [2]time.Duration{5 * s, 10 * s}}
	joined := round{begin: 0, ended: 13 * s, finished: [2]time.Duration{5 * s, 13 * s}}
	res := conclude(1, 5, free, joined)
	if res.Observed || !strings.Contains(res.Hint, "--speed") || res.Metrics.(Metrics).OnPace {
		t.Errorf("13 story-s for 10 passed: %s", res.Verdict)
	}
	joined.ended, joined.finished[1] = 10*s+50*time.Millisecond, 10*s
	if res := conclude(1, 5, free, joined); !res.Observed {
		t.Errorf("on time: %s", res.Verdict)
	}
}
