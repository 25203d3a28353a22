package procspawn

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo proc spawn --quiz`: what
// exitcode a running child shows, and what join(timeout) does to a child
// that outlives the timeout — both read from part C of the run.
var quiz = []demos.Question[Options, Metrics]{{
	Ask:     "Right after start(), what is a running child's exitcode?",
	Choices: []string{"0: it started fine", "None: it has not ended, so it has no exit code", "its pid"},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := "exitcode right after start: " + m.ExitcodeRunning
		switch m.ExitcodeRunning {
		case "0":
			return 0, measured
		case "None":
			return 1, measured
		}
		return -1, measured
	},
	Why: "an exit code exists only once the process has ended and been reaped; Go's cmd.ProcessState is nil until then",
}, {
	Ask: fmt.Sprintf("join(timeout=%g) on a child that sleeps %g story-s: what happens?", joinAfter, slowNap),
	Choices: []string{
		fmt.Sprintf("join waits the whole %g story-s, until the child ends", slowNap),
		fmt.Sprintf("after %g story-s join returns; the child is still alive", joinAfter),
		fmt.Sprintf("after %g story-s the timeout ends the child", joinAfter),
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("join returned after %.1f story-s; child still alive: %v; final exitcode %s",
			m.JoinTimeoutStory, m.AliveAfterJoinT, m.ExitcodeAfter)
		switch {
		case m.AliveAfterJoinT:
			return 1, measured
		case m.ExitcodeAfter != "0":
			return 2, measured
		case m.JoinTimeoutStory >= slowNap*0.9:
			return 0, measured
		}
		return -1, measured + " (it had ended early: a slow machine; try a lower --speed)"
	},
	Why: "join(timeout) only stops waiting; it neither ends the child nor raises — check is_alive() afterwards, as in Python",
}}
