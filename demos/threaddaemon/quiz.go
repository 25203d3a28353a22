package threaddaemon

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is `pardemo thread daemon --quiz`: what main sees when it returns
// without waiting (the naive guess: every started worker gets to finish).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Part 1: %d workers each sleep a random 0–%g story-s, then add 1 to a total. Main returns after %d story-s without waiting. What total does it see?",
			o.Workers, maxWork, o.ExitAfter)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("%d: every worker started gets to finish", o.Workers),
			"some but not all: the ones whose sleep was short",
			"0: nobody finishes before main returns",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("total %d: %d of %d finished, %d cut off", m.TotalAtExit, m.FinishedAtExit, m.Workers, m.CutOff)
		switch {
		case m.TotalAtExit >= m.Workers:
			return 0, measured
		case m.TotalAtExit == 0:
			return 2, measured
		}
		return 1, measured
	},
	Why: "a Go program ends when main returns and takes every goroutine with it, mid-sleep; Python kills daemon=True threads the same way but waits for the others",
}}
