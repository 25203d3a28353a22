package procfork

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo proc fork --quiz`: what the
// child sees after the parent's change, and what the parent holds after
// the child's, both measured on their own side.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The parent holds %d, starts a child with it, then sets its own to %d. What does the child see afterwards?",
			o.Value, o.Value-1)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("%d: the child has a copy of its own", o.Value),
			fmt.Sprintf("%d: it sees the parent's change", o.Value-1),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if !m.LookedAfterwards {
			return -1, fmt.Sprintf("the child looked before the parent's change (saw %d): the run proves nothing", m.ChildLater)
		}
		measured := fmt.Sprintf("the parent had %d; the child, looking afterwards, saw %d", m.ParentAfter, m.ChildLater)
		switch m.ChildLater {
		case m.Value:
			return 0, measured
		case m.ParentAfter:
			return 1, measured
		}
		return -1, measured
	},
	Why: "a child process has memory of its own: it got a copy of the value when it started, and nothing links the two afterwards",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The child then sets its copy to %d and exits. What does the parent hold now?", o.Value+100)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("%d: the child's change came back", o.Value+100),
			fmt.Sprintf("%d: its own value, untouched", o.Value-1),
			fmt.Sprintf("%d: the value it started with", o.Value),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("the child set %d; the parent holds %d", m.ChildSet, m.ParentAtEnd)
		switch m.ParentAtEnd {
		case m.ChildSet:
			return 0, measured
		case m.Value - 1:
			return 1, measured
		case m.Value:
			return 2, measured
		}
		return -1, measured
	},
	Why: "an exiting child hands nothing back by itself; to return a value it must send it (a queue, a pipe, shared memory)",
}}
