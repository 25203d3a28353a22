package trafficlight

import (
	"strings"
	"testing"
	"time"
)

// A car meeting red waits at most the red phase (5 story-seconds); a
// longer wait is the machine falling behind, said as such. Measured times
// injected at --speed 1.
func TestLongWaitIsFallingBehind(t *testing.T) {
	s := time.Second
	j := &junction{log: []string{"green", "car-1", "red", "green", "car-2"}}
	cars := []*car{{name: "car-1", arrived: 0, crossed: 0}, {name: "car-2", arrived: 12 * s, crossed: 15500 * time.Millisecond, waited: true}}
	if res := conclude(1, j, cars); !res.Observed || !strings.Contains(res.Verdict, "longest 3.5 story-s") {
		t.Errorf("on time: %s", res.Verdict)
	}
	cars[1].crossed = 21 * s
	if res := conclude(1, j, cars); res.Observed || !strings.Contains(res.Verdict, "could not keep the pace") {
		t.Errorf("9 story-s wait passed: %s", res.Verdict)
	}
}
