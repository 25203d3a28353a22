package asyncworkers

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal questions of `pardemo async-workers
// --quiz`: how long the workers take to drain the queue on one thread,
// and how they end. Both are read from the run: the drain time against
// the sleeps it drew, the end from the workers' own errors.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d tasks on one loop take %d random sleeps of 0.05–1 s off a queue. When does queue.join() return?", o.Workers, o.Items)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("after about the sleeps' sum ÷ %d: they overlap", o.Workers),
			"after the sleeps' sum: one thread, one sleep at a time",
			fmt.Sprintf("after about %g s, the longest sleep", longest),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("after %.2f story-s; the sleeps add up to %.2f", m.WallStory, m.TotalSleep)
		near := func(want float64) bool { return math.Abs(m.WallStory-want) <= max(m.Tolerance, 0.01) }
		switch {
		case near(m.Schedule):
			return 0, measured
		case near(m.TotalSleep):
			return 1, measured
		case m.WallStory <= longest+m.Tolerance:
			return 2, measured
		}
		return -1, measured + fmt.Sprintf(", the schedule %.2f (the machine ran late)", m.Schedule)
	},
	Why: "an awaiting sleep gives the loop back, so each worker's sleeps overlap the others'; asyncio.sleep does the same, time.sleep would not",
}, {
	Ask: "Each worker loops forever on await queue.get(). What becomes of them once join() returns?",
	Choices: []string{
		"they return on their own: the queue is empty",
		"they are cancelled, each waiting in queue.get()",
		"nothing: they wait forever and the program hangs",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d of %d cancelled, %d of them in queue.get()", len(m.Cancelled), m.Workers, m.CancelledInGet)
		if m.Workers > 0 && len(m.Cancelled) == m.Workers && m.CancelledInGet == m.Workers {
			return 1, measured
		}
		return -1, measured
	},
	Why: "a get() on an empty queue waits for ever, so main must cancel the workers after join(), as the cookbook does; asyncio raises CancelledError inside each get()",
}}
