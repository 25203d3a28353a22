package threadjoin

import (
	"strings"
	"testing"
	"time"
)

// Form B's claim "about 2 story-seconds, whatever N" is judged: 113
// story-seconds for 2-second workers is the machine falling behind, not
// the lesson (issue 12). Measured times injected at --speed 1.
func TestFormBLateNotPassed(t *testing.T) {
	s := time.Second
	res := conclude(1, 50, 100*s, 113*s, s, true)
	if res.Observed || !strings.Contains(res.Verdict, "could not keep the pace") || !strings.Contains(res.Hint, "--speed") {
		t.Errorf("form B at 113 story-s passed: %s (%s)", res.Verdict, res.Hint)
	}
	// Form A late: the ratio alone (20×) would have passed it.
	res = conclude(1, 10, 40*s, 2*s, s, true)
	if res.Observed || !strings.Contains(res.Verdict, "10 × 2 story-s") {
		t.Errorf("form A at 40 story-s for 20 passed: %s", res.Verdict)
	}
	res = conclude(1, 10, 20*s+100*time.Millisecond, 2*s+50*time.Millisecond, s, true)
	if !res.Observed {
		t.Errorf("on time failed: %s", res.Verdict)
	}
}
