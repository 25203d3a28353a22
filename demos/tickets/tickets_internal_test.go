package tickets

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
)

// The verdict is honest on every branch, including the ones a healthy
// machine rarely reaches.
func TestConcludeBranches(t *testing.T) {
	for _, tc := range []struct {
		name     string
		t        tally
		observed bool
		verdict  string
		hint     bool
	}{
		{"oversold", tally{tickets: 1, buyers: 3, successes: 3, left: 0, dbValid: true, speed: 10}, true, "oversold: 3 buyers", false},
		{"lost sales", tally{tickets: 3, buyers: 3, successes: 3, left: 2, dbValid: true, speed: 10}, true, "lost sales", false},
		{"no overlap", tally{tickets: 1, buyers: 3, successes: 1, left: 0, dbValid: true, speed: 10000}, false, "did not show", true},
		{"nothing to sell", tally{tickets: 0, buyers: 3, dbValid: true, speed: 10}, false, "nothing to race for", true},
		{"locked", tally{tickets: 5, buyers: 12, lock: true, successes: 5, left: 0, dbValid: true, speed: 10}, true, "with the lock: 5 of 5 tickets", false},
		{"lock failed", tally{tickets: 1, buyers: 3, lock: true, successes: 2, left: 0, dbValid: true, speed: 10}, false, "did not serialise", false},
		{"bad db", tally{tickets: 1, buyers: 3, lock: true, successes: 1, dbValid: false, speed: 10}, false, "not left valid", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := conclude(tc.t)
			if res.Observed != tc.observed || !strings.Contains(res.Verdict, tc.verdict) || (res.Hint != "") != tc.hint {
				t.Errorf("observed=%v verdict=%q hint=%q", res.Observed, res.Verdict, res.Hint)
			}
			if m := demotest.Metrics[Metrics](t, res); m.Sold != tc.t.successes || m.Oversold != max(0, tc.t.successes-tc.t.tickets) {
				t.Errorf("metrics %+v", m)
			}
		})
	}
}
