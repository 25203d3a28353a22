package coroutinegenerator

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo coroutine-generator
// --quiz`: whether two generators fed by one shop overlap anything. The
// answer is read from the run's wall time against the steps' story
// seconds.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The shop makes %d trays, 1 s each; after each tray Bruce and Elvin eat their share, 1 s each. How long in all?", o.Trays)
	},
	ChoicesFor: func(o *Options) []string {
		t := o.Trays
		return []string{
			fmt.Sprintf("%d s: every step, one after another", 3*t),
			fmt.Sprintf("%d s: the two eat at the same time", 2*t),
			fmt.Sprintf("%d s: they eat while the next tray is made", t+2),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.Trays <= 0 || m.ExpectedMs <= 0 {
			return -1, "no tray was made"
		}
		stepMs := m.ExpectedMs / float64(3*m.Trays) // one story-second, in wall ms
		story := m.WallMs / stepMs
		measured := fmt.Sprintf("%.2f story-s for %d trays", story, m.Trays)
		t := float64(m.Trays)
		switch {
		case m.WallMs >= m.ExpectedMs-1 && m.WallMs-m.ExpectedMs <= slack(m.ExpectedMs):
			return 0, measured
		case math.Abs(story-2*t) <= 0.1*2*t:
			return 1, measured
		case math.Abs(story-(t+2)) <= 0.1*(t+2):
			return 2, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "a generator runs only inside the send that resumes it, so the shop waits while each customer eats and nothing overlaps; Python's generators are the same",
}}
