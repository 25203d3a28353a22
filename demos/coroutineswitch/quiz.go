package coroutineswitch

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal questions of `pardemo coroutine-switch
// --quiz`: where the hand-overs leave Bruce, and whether goroutines
// passing a baton overlap their turns. Both are read from the run.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Bruce plays, switches to Alvin, who eats and switches back, %d times each. When Alvin's last turn ends, Bruce is…", o.Times)
	},
	Choices: []string{
		"finished: he played his last turn too",
		"suspended in his last switch, never resumed",
		"playing one more turn",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.LeftSuspended {
			return 1, fmt.Sprintf("Bruce was still parked in a switch after %d switches", m.Switches)
		}
		return -1, "Bruce was not left suspended"
	},
	Why: "after his last turn Bruce switches to Alvin, and Alvin's return goes to the parent, not to Bruce; greenlet leaves him suspended (and raises GreenletExit in him when he is garbage-collected)",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Part B runs the same %d turns of 1 s on two goroutines that pass a baton channel. How long does it take?", 2*o.Times)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("about %d s: the goroutines run at once", o.Times),
			fmt.Sprintf("about %d s: only the baton holder runs", 2*o.Times),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.Times <= 0 || m.ExpectedMs <= 0 {
			return -1, "no turns ran"
		}
		stepMs := m.ExpectedMs / float64(2*m.Times) // one story-second, in wall ms
		story := m.GoroutineWallMs / stepMs
		measured := fmt.Sprintf("%.2f story-s, at most %d turn(s) at once", story, m.MaxActive)
		switch {
		case m.GoroutineWallMs >= m.ExpectedMs-1 && m.GoroutineWallMs-m.ExpectedMs <= slack(m.ExpectedMs):
			return 1, measured
		case math.Abs(story-float64(m.Times)) <= 0.15*float64(m.Times):
			return 0, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "each goroutine waits for the baton before its turn and passes it after, so they take turns like the greenlets; Python threads with an Event or Queue baton would too",
}}
