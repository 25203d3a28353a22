package threaddaemon

import (
	"strings"
	"testing"
	"time"
)

// Both directions are judged (issue 12): a worker whose sleep ended before
// main's exit must not be "cut off", one whose sleep ended after must not
// have finished, and a late main is the machine falling behind.
// Measured values injected at --speed 1, main living 1 story-second.
func TestBothDirectionsJudged(t *testing.T) {
	names := []string{"w-1", "w-2", "w-3"}
	delays := []float64{0.2, 0.9, 1.8}
	s := time.Second
	judge := func(finished []string, lived time.Duration) (bool, string) {
		res := conclude(1, 1, names, delays, finished, len(finished), 3, lived, 2*s)
		return res.Observed, res.Verdict
	}
	if ok, v := judge([]string{"w-1", "w-2"}, s); !ok {
		t.Errorf("the lesson: %s", v)
	}
	if ok, v := judge([]string{"w-1"}, s); !ok { // w-2 is within the slack of main's exit
		t.Errorf("near the exit: %s", v)
	}
	if ok, v := judge([]string{"w-2"}, s); ok || !strings.Contains(v, "w-1 slept less") {
		t.Errorf("w-1 (0.2 s) cut off passed: %s", v)
	}
	if ok, v := judge([]string{"w-1", "w-2", "w-3"}, s); ok || !strings.Contains(v, "w-3 finished after main") {
		t.Errorf("w-3 (1.8 s) finished before a 1 s exit passed: %s", v)
	}
	if ok, v := judge([]string{"w-1", "w-2", "w-3"}, 2*s); ok || !strings.Contains(v, "could not keep the pace") {
		t.Errorf("main late: %s", v)
	}
}
