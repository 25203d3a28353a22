package ipcshared

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal part of `pardemo ipc shared --quiz`: the
// shared integer's final value, and whether a child's writes to shared
// memory reach the parent. Both are what the parent read at the end.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		lock := "no lock"
		if o.Lock {
			lock = "each holding its lock"
		}
		return fmt.Sprintf("%s each add 1 to one shared integer %s times (%s). Where does it end?",
			count(o.Children, "process"), ev.Int(o.Count), lock)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("exactly %s, as the code says", ev.Int(int64(o.Children)*int64(o.Count))),
			"short by fewer than 1% of the updates",
			"short by 1% or more of the updates",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("ended at %s of %s: %s updates lost", ev.Int(m.Final), ev.Int(m.Expected), ev.Int(m.Lost))
		switch {
		case m.Lost == 0:
			return 0, measured
		case m.Lost < 0:
			return -1, measured // more than added: impossible
		case m.Lost*100 < m.Expected:
			return 1, measured
		default:
			return 2, measured
		}
	},
	Why: "each load and store is atomic, but between one process's load and its store another may store, " +
		"and that update is overwritten; the lock makes load-add-store one step",
}, {
	Ask: "A child process doubles every number of a shared array. What does the parent read afterwards?",
	Choices: []string{
		"the numbers it wrote: a child's memory is its own",
		"the doubled numbers",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("wrote %v, read %v", m.ArrayBefore, m.ArraySeen)
		switch {
		case m.ArrayDoubled:
			return 1, measured
		case len(m.ArraySeen) == len(m.ArrayBefore) && fmt.Sprint(m.ArraySeen) == fmt.Sprint(m.ArrayBefore):
			return 0, measured
		}
		return -1, measured
	},
	Why: "the array lives in one file mapped MAP_SHARED into both processes: the same physical pages, " +
		"while the rest of each process's memory is its own",
}}
