package poolfetch

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal part of `pardemo pool fetch --quiz`: how
// long the whole batch takes next to its slowest fetch and the sum of all
// of them. The answer is this run's three timings.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d workers fetch 6 URLs: pages take 1–6 s, one 30 s, and the timeout is %g s. How long does the batch take?",
			o.Workers, o.Timeout)
	},
	Choices: []string{
		"about the sum of all six fetches",
		"about its slowest single fetch",
		"longer than the slowest, well short of the sum",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.Fetches) == 0 || m.TimeoutMs <= 0 {
			return -1, "nothing was fetched"
		}
		total, slowest, sum := dur(m.TotalMs), dur(m.SlowestMs), dur(m.SumMs)
		// Story seconds: the timeout is known in both units.
		story := func(d time.Duration) string {
			return fmt.Sprintf("%.1f s", d.Seconds()*1000*m.TimeoutS/m.TimeoutMs)
		}
		measured := fmt.Sprintf("the batch took %s; the slowest fetch %s, all of them added %s", story(total), story(slowest), story(sum))
		switch {
		case total <= slowest+max(slowest/4, 20*time.Millisecond): // as the verdict judges "about the slowest"
			return 1, measured
		case float64(total) >= 0.9*float64(sum):
			return 0, measured
		default:
			return 2, measured
		}
	},
	Why: "the fetches wait on the network side by side, one per worker, so the batch lasts about as long as the " +
		"slowest — and the timeout caps that; with fewer workers than URLs, some wait for a free worker first",
}}

func dur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
