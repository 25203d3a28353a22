package barrier

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal question of `pardemo barrier --quiz`.
// The naive guess is that each barrier worker stamps when its own work
// ends, as far apart as they arrived; with the barrier they stamp
// together, with --no-barrier they do not.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		meet := "meet at a barrier for two, then"
		if o.NoBarrier {
			meet = "skip the barrier (--no-barrier) and"
		}
		return fmt.Sprintf("barrier-1 and barrier-2 work different random times, %s stamp the time. How far apart are the stamps?", meet)
	},
	Choices: []string{
		"as far apart as their work ended",
		"a few ms at most: they leave together",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		bound := skewBound
		if m.Processes {
			bound = processSkewBound
		}
		gap := time.Duration(m.ArrivalGapMs * float64(time.Millisecond))
		skew := time.Duration(m.BarrierSkewMs * float64(time.Millisecond))
		measured := fmt.Sprintf("their work ended %s apart; they stamped %s apart", ev.Dur(gap), ev.Dur(skew))
		switch {
		case m.ReleasedEarly:
			return -1, measured + ", one before the other arrived (please report it)"
		case gap <= bound:
			return -1, measured + ": too close to tell apart — try a lower --speed"
		case skew <= bound:
			return 1, measured
		case skew >= gap/2:
			return 0, measured
		default:
			return -1, measured
		}
	},
	Why: "Wait returns only when the last of the two has arrived, so the early one sleeps until then and both wake together; without it each stamps when its own work ends. Python's threading.Barrier works the same way",
}}
