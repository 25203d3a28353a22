package asyncfutures

import (
	"fmt"
	"math"
	"strings"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal questions of `pardemo async-futures
// --quiz`: which done-callback runs first, and how long the two awaits
// take together. Both are read from the run: the order from the
// callbacks as they ran, the time from the loop's clock (a big --n makes
// computing n! hold the loop, which moves both).
var quiz = []demos.Question[Options, Metrics]{{
	Ask: "The sum's coroutine starts first and awaits 3 s; the n! one awaits 2 s. Whose done-callback runs first?",
	Choices: []string{
		"the sum's: its future was made and started first",
		"n!'s: its await ends first",
		"both at once, when the loop stops",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.CallbackOrder) != 2 || len(m.CallbackTimes) != 2 {
			return -1, fmt.Sprintf("%d callbacks ran", len(m.CallbackOrder))
		}
		measured := fmt.Sprintf("%s's at %.2f, then %s's at %.2f", label(m.CallbackOrder[0]), m.CallbackTimes[0], label(m.CallbackOrder[1]), m.CallbackTimes[1])
		switch {
		case math.Abs(m.CallbackTimes[0]-m.CallbackTimes[1]) < 0.01:
			return 2, measured
		case m.CallbackOrder[0] == "future1":
			return 0, measured
		default:
			return 1, measured
		}
	},
	Why: "a done-callback runs at the loop's next turn after its future gets a result, so the shorter await's callback runs first; asyncio schedules them the same way",
}, {
	Ask: "How long do the two coroutines take, one awaiting 3 s and the other 2 s?",
	Choices: []string{
		"about 3 s: the awaits overlap",
		"about 5 s: 3 + 2, on one thread",
		"over 3 s, not 5: computing n! holds the loop first",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%.2f story-s in all", m.TotalStory)
		if m.ProductHeld >= 0.01 {
			measured += fmt.Sprintf("; computing %d! held the loop %.2f", m.N, m.ProductHeld)
		}
		near := func(want float64) bool { return math.Abs(m.TotalStory-want) <= max(m.Tolerance, 0.01) }
		switch {
		case near(sumSleep):
			return 0, measured
		case m.ProductHeld >= 0.1 && near(m.ProductHeld+productSleep):
			return 2, measured
		case near(sumSleep + productSleep):
			return 1, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "while one coroutine awaits, the loop runs the other, so the run takes the longer await; only code that never awaits, like a big n!, holds everybody up",
}}

func label(future string) string {
	return strings.NewReplacer("future1", "the sum", "future2", "n!").Replace(future)
}
