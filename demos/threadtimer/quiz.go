package threadtimer

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is `pardemo thread timer --quiz`: how many callbacks of a slow
// repeating timer pile up (the naive guess: one, or the one working plus
// the one armed).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A timer greets every %g story-s, %d times; each greeting's callback then works %d story-s. How many callbacks are alive at once, at most?",
			interval, o.Ticks, o.Work)
	},
	ChoicesFor: func(o *Options) []string {
		many := "3 or more: one more with each greeting"
		if n := expectedLive(o); n >= 3 {
			many = fmt.Sprintf("about %d: one more with each greeting", n)
		}
		return []string{
			"1: each callback waits for the one before",
			"2: the one working and the next one",
			many,
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("at most %d alive; as each greeting began: %v", m.MaxLive, m.LivePerTick)
		switch {
		case m.MaxLive <= 1:
			return 0, measured
		case m.MaxLive == 2:
			return 1, measured
		case m.MaxLive >= max(3, expectedLive(o)-1):
			return 2, measured
		}
		return -1, measured + fmt.Sprintf(" — short of the %d expected (a busy machine)", expectedLive(o))
	},
	Why: "each callback runs in its own goroutine (Python: its own thread) and nothing makes a greeting wait for the last one's work: they pile up to work ÷ interval",
}}

// expectedLive is how many callbacks should be alive at the peak: one
// more per greeting, up to work ÷ interval.
func expectedLive(o *Options) int { return min(o.Ticks, level(float64(o.Work))) }
