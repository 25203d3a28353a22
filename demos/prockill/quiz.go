package prockill

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo proc kill --quiz`: the
// terminated child's exitcode, and is_alive() in the moment between
// terminate() and join — both read from part A of the run.
var quiz = []demos.Question[Options, Metrics]{{
	Ask: fmt.Sprintf("A child that works %g story-s is terminated after %g. What exitcode does it show after join?", work, killAfter),
	Choices: []string{
		"0: it ended, so it exited",
		"1: an error",
		"-15: minus SIGTERM, the signal that ended it",
		"None: it never exited by itself",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.Endings) == 0 {
			return -1, "no ending recorded"
		}
		e := m.Endings[0]
		measured := fmt.Sprintf("exitcode %s (Go: %q)", e.Exitcode, e.GoStatus)
		switch e.Exitcode {
		case "0":
			return 0, measured
		case "1":
			return 1, measured
		case "-15":
			return 2, measured
		case "None":
			return 3, measured
		}
		return -1, measured
	},
	Why: "a process ended by a signal has no exit code; Python reports minus the signal number, Go's ExitCode() is -1 and WaitStatus names the signal",
}, {
	Ask: "Right after terminate() sends SIGTERM, before join, what does is_alive() say?",
	Choices: []string{
		"False: the signal ended it",
		"True: it has not been reaped yet",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("is_alive() = %v right after terminate(), %v after join", m.AliveAfterTerminate, m.AliveAfterJoin)
		if m.AliveAfterTerminate {
			return 1, measured
		}
		return 0, measured
	},
	Why: "terminate() only sends the signal: the child dies a moment later, and counts as alive until it is reaped (Python's is_alive polls waitpid)",
}}
