package asyncfsm

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo async-fsm --quiz`:
// what the machine's run costs. Only State 1 awaits; every other state
// is a plain call that returns at once. The answer is read from the
// run's clock against the path the seed took.
var quiz = []demos.Question[Options, Metrics]{{
	Ask: "The machine walks random states to End; only State 1 awaits, 1 s a visit. How long does it run?",
	Choices: []string{
		"1 s for each visit to State 1; the rest take no time",
		"1 s for each transition: every state awaits the next",
		"about 1 s in all: the awaits overlap",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		transitions := max(len(m.Path)-1, 0)
		measured := fmt.Sprintf("%.2f story-s for %d transitions, %d visit(s) to State 1", m.TotalStory, transitions, m.State1Visits)
		near := func(want float64) bool { return math.Abs(m.TotalStory-want) <= max(m.Tolerance, 0.01) }
		switch {
		case near(float64(m.State1Visits) * state1Sleep):
			return 0, measured
		case near(float64(transitions) * state1Sleep):
			return 1, measured
		case near(state1Sleep):
			return 2, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "awaiting a coroutine is a plain call that runs it to its first real wait, so only State 1's sleep costs time, and one task's awaits follow each other; asyncio is the same",
}}
