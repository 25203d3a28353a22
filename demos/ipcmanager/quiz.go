package ipcmanager

import (
	"fmt"
	"slices"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal part of `pardemo ipc manager --quiz`: the
// order the appends reach the manager in, and what one call to it costs.
// Both are read from the run: the list the manager holds, and the round
// trips the workers timed.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Workers 0 to %d are started in order; each appends its number to the manager's list. "+
			"What order does the list end in?", o.Workers-1)
	},
	Choices: []string{
		"0, 1, 2, …: the order the workers were started",
		"another order: whichever call reached the manager first",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.List) == 0 {
			return -1, "the list is empty"
		}
		shown := fmt.Sprint(m.List)
		if len(m.List) > 12 {
			shown = fmt.Sprintf("%v…", m.List[:12])
		}
		measured := "the list ended as " + shown
		if slices.IsSorted(m.List) {
			return 0, measured
		}
		return 1, measured
	},
	Why: "the workers are separate processes released at once; the manager serves each connection as its call arrives, " +
		"so the list records arrival order, not start order",
}, {
	Ask: "How long does one worker's call to the manager (d[i] = v) take, on average?",
	Choices: []string{
		"under 1 µs, like writing to a local dict",
		"1 µs to 1 ms: a round trip to another process",
		"1 ms or more",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.CallMeanUs <= 0 {
			return -1, "no call was timed"
		}
		measured := fmt.Sprintf("the mean round trip was %s µs", ev.Float(m.CallMeanUs))
		switch {
		case m.CallMeanUs < 1:
			return 0, measured
		case m.CallMeanUs < 1000:
			return 1, measured
		default:
			return 2, measured
		}
	},
	Why: "each call is a message over a unix socket, a wake-up of the manager process and an answer back, " +
		"thousands of times a map write; calls made at once also queue at the manager",
}}
