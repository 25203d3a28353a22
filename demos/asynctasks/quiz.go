package asynctasks

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo async-tasks
// --quiz`: two tasks of n − 1 and n one-second steps on one loop. The
// naive sum is a choice; the answer is read from the run's clock.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("factorial(%d) takes %d steps, fibonacci(%d) %d; each step awaits 1 s on one loop. How long do both take?",
			o.N, max(o.N-1, 0), o.N, o.N)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("about %d s: the longer task's steps", o.N),
			fmt.Sprintf("about %d s: one task after the other", max(2*o.N-1, 0)),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		longer := float64(max(m.FactorialSteps, m.FibonacciSteps)) * step
		measured := fmt.Sprintf("both took %.2f story-s; the longer task has %d steps", m.TotalStory, int(longer/step))
		near := func(want float64) bool { return math.Abs(m.TotalStory-want) <= max(m.Tolerance, 0.01) }
		switch {
		case near(longer):
			return 0, measured
		case near(m.SerialStory):
			return 1, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "while one task awaits its second the loop runs the other's step, so the waits overlap and the run takes the longer task's time, as in asyncio",
}}
