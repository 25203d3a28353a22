package ipcqueue

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal part of `pardemo ipc queue --quiz`: how
// full the queue gets when the consumer is slower than the producer, and
// when join() returns. Both answers are read from the queue's own record
// of its operations.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Part A: %d items, one put a second; the consumer gets one every 3 seconds. "+
			"The most items the queue holds at once?", o.Items)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"at most 2: the consumer keeps up",
			fmt.Sprintf("up to half of the %d items", o.Items),
			fmt.Sprintf("more than half, but not all %d", o.Items),
			fmt.Sprintf("all %d: the consumer starts after the last put", o.Items),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.Sizes) == 0 {
			return -1, "no put was recorded"
		}
		measured := fmt.Sprintf("it held up to %d of the %d items at once", m.MaxSize, m.Items)
		switch {
		case m.MaxSize <= 2:
			return 0, measured
		case m.MaxSize >= m.Items:
			return 3, measured
		case 2*m.MaxSize <= m.Items:
			return 1, measured
		default:
			return 2, measured
		}
	},
	Why: "the producer puts 3 items in the time the consumer takes 1, so the queue grows by about 2 every 3 seconds until the producer stops",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Part C: the producer puts %d items, then calls join(); %d workers get them. When does join() return?",
			o.Items, o.Consumers)
	},
	Choices: []string{
		"at once: every item is already in the queue",
		"when the workers have taken every item out",
		"after the last task_done(), when every item was processed",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		wait := ev.Dur(time.Duration(m.JoinWaitMs * float64(time.Millisecond)))
		if !m.JoinAfterDone {
			return -1, fmt.Sprintf("join() returned with %d of %d task_done calls made, after %s: a bug in this demo", m.TasksDone, m.Items, wait)
		}
		return 2, fmt.Sprintf("join() returned after task_done #%d, having waited %s", m.TasksDone, wait)
	},
	Why: "a JoinableQueue counts unfinished items: put adds one, task_done takes one away, and join waits for zero, whatever get has taken",
}}
