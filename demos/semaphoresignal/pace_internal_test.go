package semaphoresignal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The verdict prints the measured wait, and judges it: 10 story-seconds
// per item is the claim (issue 12). Measured times injected at --speed 1.
func TestMeasuredWaitJudged(t *testing.T) {
	hand := func(step time.Duration) *handoff {
		h := &handoff{items: []int{1, 2}, got: []int{1, 2}}
		for i := range 2 {
			h.released = append(h.released, time.Duration(i+1)*step)
			h.consumed = append(h.consumed, time.Duration(i+1)*step+time.Millisecond)
		}
		return h
	}
	res := conclude(1, hand(10*time.Second), 2, errors.New("released too many"))
	if !res.Observed || !strings.Contains(res.Verdict, "waited 10 story-s per item") {
		t.Errorf("on time: %s", res.Verdict)
	}
	res = conclude(1, hand(14*time.Second), 2, errors.New("released too many"))
	if res.Observed || !strings.Contains(res.Verdict, "could not keep the pace") || !strings.Contains(res.Verdict, "14 story-s") {
		t.Errorf("14 story-s per item passed: %s", res.Verdict)
	}
}
