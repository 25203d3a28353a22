package poolmap

import (
	"fmt"
	"runtime"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal part of `pardemo pool map --quiz`: when
// a task beyond the pool's size starts, and where the callbacks run. Both
// are read from the tasks' start and end times and from the goroutine each
// callback found itself in.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		w, n := sizes(o)
		return fmt.Sprintf("A pool of %d workers gets %d tasks at once, each napping 0–3 s. When does the last one start?", w, n)
	},
	Choices: []string{
		"at once: every task starts when it is submitted",
		"only after another task has finished",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if len(m.Tasks) == 0 {
			return -1, "no task ran"
		}
		last := m.Tasks[len(m.Tasks)-1]
		measured := fmt.Sprintf("task %d started at %.2f story-s; the first task to finish was done at %.2f",
			last.N, last.StartS, m.FirstFinishS)
		for _, t := range m.Tasks {
			if t.EndS == m.FirstFinishS {
				measured += fmt.Sprintf(" (task %d, a nap of %.1f s)", t.N, t.NapS)
				break
			}
		}
		// As the scenario counts a wait: submitted with every worker busy,
		// and started no sooner than the first finish.
		if last.N >= m.Workers && last.StartS >= m.FirstFinishS {
			return 1, measured
		}
		return 0, measured
	},
	Why: "a pool runs at most one task per worker; a task submitted while all are busy waits in the queue " +
		"for the first worker to finish",
}, {
	Ask: "apply_async(square, x, callback=cb): which goroutine runs cb?",
	Choices: []string{
		"the worker that ran the task",
		"the goroutine that submitted the tasks",
		"a new goroutine for each callback",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d callbacks ran in the submitter (goroutine %d), %d elsewhere",
			m.CallbacksInSubmitter, m.SubmitterGoroutine, m.CallbacksInWorker)
		switch {
		case m.CallbacksInSubmitter > 0 && m.CallbacksInWorker == 0:
			return 1, measured
		case m.CallbacksInSubmitter == 0 && m.CallbacksInWorker > 0:
			return 0, measured
		}
		return -1, measured
	},
	Why: "this pool hands each result back to the submitter, whose Join runs the callbacks one at a time; " +
		"Python's Pool runs them in its result-handler thread, in the parent but not the main thread",
}}

// sizes are the pool's workers and the apply_async tasks, as run decides
// them from the knobs' zeros.
func sizes(o *Options) (workers, items int) {
	workers, items = o.Workers, o.Items
	if workers == 0 {
		workers = min(runtime.NumCPU(), 64)
	}
	if items == 0 {
		items = workers + 1
	}
	return workers, items
}
