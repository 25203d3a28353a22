package procdaemon

import (
	"fmt"
	"strings"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo proc daemon --quiz`: which
// child of a main process that ends at once finishes its sleep (part A),
// and what becomes of the children of a main process killed outright
// (part B) — read from the children's own "Exiting" lines and from when
// they died.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Main starts a daemon child and a non-daemon child, both sleeping %g story-s, and its code ends. Which finishes its sleep?", o.Nap)
	},
	Choices: []string{
		"both: a parent always waits for its children",
		"neither: both end with the main code",
		"only the non-daemon; the daemon is terminated",
		"only the daemon",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.Kids) != 2 {
			return -1, fmt.Sprintf("%d children reported", len(m.Kids))
		}
		d, n := m.Kids[0], m.Kids[1]
		measured := fmt.Sprintf("daemon: exitcode %s, %s; non-daemon: exitcode %s, %s; main exited after %.1f story-s",
			d.Exitcode, slept(d.Exited), n.Exitcode, slept(n.Exited), m.MainEndedS)
		switch {
		case d.Exited && n.Exited:
			return 0, measured
		case !d.Exited && !n.Exited:
			return 1, measured
		case n.Exited:
			return 2, measured
		}
		return 3, measured
	},
	Why: "at the end of the main code Python's exit terminates the daemon children (−15) and joins the others; pardemo's Shutdown does the same",
}, {
	Ask: "Another main process with the same two children is killed outright (SIGKILL). What happens to the children?",
	Choices: []string{
		"they sleep on as orphans, adopted by init",
		"they die with it, within a moment",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.OrphanPids) != 2 {
			return -1, fmt.Sprintf("%d children of the killed process seen", len(m.OrphanPids))
		}
		if m.OrphansExited || m.OrphansDeadMs >= float64(goneWithin.Milliseconds()) {
			return 0, fmt.Sprintf("still running %.0f ms after the kill; one finished its sleep: %v", m.OrphansDeadMs, m.OrphansExited)
		}
		return 1, fmt.Sprintf("both dead %.0f ms after the kill, neither finished its sleep (%s)", m.OrphansDeadMs, strings.Join(m.OrphanEnds, ", "))
	},
	Why: "Python's children would sleep on as orphans (a SIGKILL runs no exit code); pardemo's die by Linux's parent-death signal or their closed stdin",
}}

func slept(finished bool) string {
	if finished {
		return "slept to the end"
	}
	return "cut short"
}
