package race

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/race"
)

// quiz is the predict-then-reveal question of `pardemo race --quiz`. The
// answer is read from the run: with a lock it is "exactly", without one
// it is usually "off by a lot" (the window between read and write is wide
// on purpose), and sometimes less.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d goroutines each make %s updates to one counter (%s). Where does it end?",
			o.Workers, ev.Int(o.Count), protection(o))
	},
	ChoicesFor: func(o *Options) []string {
		exp := expectedOf(o)
		return []string{
			fmt.Sprintf("exactly %s, as the code says", ev.Int(exp)),
			"off by fewer than 1% of the updates",
			"off by 1% or more of the updates",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		s := m.Side
		if u, ok := unprotectedSide(m); ok {
			s = u
		}
		total := int64(s.Workers) * int64(s.Count)
		measured := fmt.Sprintf("ended at %s, expected %s: %s updates lost", ev.Int(s.Observed), ev.Int(s.Expected), ev.Int(s.LostUpdates))
		switch {
		case s.LostUpdates == 0:
			return 0, measured
		case s.LostUpdates*100 < total:
			return 1, measured
		default:
			return 2, measured
		}
	},
	Why: "n = n + 1 is a read, an add and a write; without a lock two goroutines read the same value and one write overwrites the other",
}}

func protection(o *Options) string {
	switch m := mode(o); m {
	case race.None:
		if o.Plain {
			return "a plain int, no lock"
		}
		return "no lock"
	default:
		return "protected: " + string(m)
	}
}

// expectedOf is where a correct run ends: 0 for the cookbook's adder and
// subtractor, workers × count when every worker adds.
func expectedOf(o *Options) int64 {
	if o.Workers == 2 {
		return 0
	}
	return int64(o.Workers) * int64(o.Count)
}
