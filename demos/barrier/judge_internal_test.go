package barrier

import (
	"strings"
	"testing"
	"time"
)

// The verdict can fail: a barrier worker that stamps before the other has
// arrived is a broken barrier, and pairs that arrived together leave the
// barrier nothing to show. Measured times injected.
func TestVerdictCanFail(t *testing.T) {
	ms := time.Millisecond
	mk := func(a1, s1, a2, s2 time.Duration) []*worker {
		return []*worker{
			{name: "barrier-1", meets: true, arrived: a1, stamp: s1},
			{name: "barrier-2", meets: true, arrived: a2, stamp: s2},
			{name: "free-1", arrived: 30 * ms, stamp: 30 * ms},
			{name: "free-2", arrived: 300 * ms, stamp: 300 * ms},
		}
	}
	res := conclude(mk(50*ms, 150*ms, 150*ms, 150*ms), true, false)
	if !res.Observed || !strings.Contains(res.Verdict, "free-1 stamped before them and free-2 after") {
		t.Errorf("the lesson: %s", res.Verdict)
	}
	if res := conclude(mk(50*ms, 60*ms, 150*ms, 150*ms), true, false); res.Observed || !strings.Contains(res.Verdict, "report it") {
		t.Errorf("stamped before the other arrived: %s", res.Verdict)
	}
	if res := conclude(mk(149*ms, 150*ms, 150*ms, 150*ms), true, false); res.Observed || res.Hint == "" {
		t.Errorf("arrived together: %s", res.Verdict)
	}
}
