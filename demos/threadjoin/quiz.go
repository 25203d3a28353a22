package threadjoin

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is `pardemo thread join --quiz`: how much joining after all the
// starts saves (the naive guess: nothing, both wait for every worker), and
// what join(timeout) leaves behind (the naive guess: a finished or a
// stopped worker).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d workers sleep %g story-s each. A joins each right after starting it; B starts all, then joins all. How does B compare?",
			o.Workers, work)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"about as long as A: both wait for every worker",
			fmt.Sprintf("about %d× faster: B's sleeps all overlap", o.Workers),
			fmt.Sprintf("faster, but well under %d×", o.Workers),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		r, n := m.Ratio, float64(m.Workers)
		measured := fmt.Sprintf("A took %s, B %s: %s× faster", ev.Dur(msDur(m.SerialMs)), ev.Dur(msDur(m.ConcurrentMs)), ev.Float(r))
		switch {
		case r < 1.25:
			return 0, measured
		case r >= 0.75*n:
			return 1, measured
		}
		return 2, measured
	},
	Why: "a join waits only while its worker still runs: in B the first join waits about one sleep, and by then every other worker is done too; Python's threads behave the same",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("C: join(timeout=%g) on a worker that works %g story-s. When the join returns, the worker is…", timeout, slowWork)
	},
	Choices: []string{
		"finished: join waited for it after all",
		"still running: the timeout only ended the wait",
		"stopped: the timeout ended the worker",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.AliveAfterTimeout {
			return 1, fmt.Sprintf("join returned after %s with is_alive() = true", ev.Dur(msDur(m.TimeoutJoinMs)))
		}
		return 0, fmt.Sprintf("join returned after %s, the worker already done", ev.Dur(msDur(m.TimeoutJoinMs)))
	},
	Why: "a timeout stops the waiting, never the worker: neither Python nor Go can stop a thread or goroutine from outside, so check is_alive() (Go: select on done) afterwards",
}}

// msDur is a metric in milliseconds as a duration.
func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
