package deadlock

import (
	"fmt"
	"strings"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo deadlock --quiz`.
// The naive guesses are that the scheduler sorts it out, or that Go's
// runtime reports the deadlock; the run shows a cycle of waits (or, with
// --ordered, every worker finishing).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		order := "take their own lock, then their neighbour's"
		if o.Ordered {
			order = "take the two locks they need in one global order (lock-A first)"
		}
		return fmt.Sprintf("%d workers in a ring %s. What happens?", o.Workers, order)
	},
	Choices: []string{
		"every worker gets both locks in turn and finishes",
		"none finishes: each holds one lock, waits for the next",
		"Go stops it: fatal error, all goroutines are asleep",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		switch {
		case m.DeadlockDetected && len(m.Cycle) > 0:
			return 1, fmt.Sprintf("a cycle of waits, found by the %s: %s → %s", label(m.DetectedBy), strings.Join(m.Cycle, " → "), m.Cycle[0])
		case m.Completed:
			return 0, fmt.Sprintf("all %d workers got both locks and finished", m.Workers)
		default:
			return -1, "no cycle of waits, yet not every worker finished"
		}
	},
	Why: "in opposite orders each worker holds the lock its neighbour needs, a cycle of waits nobody leaves; in one global order no cycle can form. Go's runtime reports a deadlock only when every goroutine is stuck; Python reports none",
}}
