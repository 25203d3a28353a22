package asyncloop

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo async-loop --quiz`:
// how many callbacks fit before the end. The naive count includes one at
// the end itself; the last callback finds no room for one more second and
// stops the loop early. The answer is the count the run made (a busy
// machine that ran callbacks late fits one fewer).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Callbacks chain 1 s apart from loop time 0; each one stops the loop unless now + 1 < %g. How many run?", o.Until)
	},
	ChoicesFor: func(o *Options) []string {
		n := expected(o.Until)
		return []string{
			fmt.Sprintf("%d: the end cuts one more off", max(n-1, 0)),
			fmt.Sprintf("%d: at loop times 0 to %d", n, max(n-1, 0)),
			fmt.Sprintf("%d: at loop times 0 to %d", n+1, n),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d callbacks ran; the last, at %.2f, stopped the loop", m.Callbacks, m.StoppedAt)
		i := m.Callbacks - (expected(o.Until) - 1)
		if expected(o.Until) == 0 || i < 0 || i > 2 {
			return -1, measured
		}
		return i, measured
	},
	Why: "the callback at loop time 8 sees 8 + 1 is not before 9 and stops the loop instead of scheduling a tenth; asyncio's call_later behaves the same",
}}
