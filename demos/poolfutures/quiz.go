package poolfutures

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
)

// quiz is the predict-then-reveal part of `pardemo pool futures --quiz`:
// the order as_completed hands the results back in, and how much faster
// the pool is than one goroutine. Both are read from the run: the x of
// each result as it came back, and the measured speed-up.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("count(x) for x = 0..%d, submitted in order to %s; results taken as completed. In what order do they come back?",
			o.Items-1, orderWho(o))
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("0, 1, 2, …, %d: the order they were submitted", o.Items-1),
			"another order: whichever finished first",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		mode := orderMode(o)
		ord, ok := m.Completion[mode]
		if !ok || len(ord) == 0 {
			return -1, fmt.Sprintf("the %s way did not run", mode)
		}
		shown := fmt.Sprint(ord)
		if len(ord) > 12 {
			shown = fmt.Sprintf("%v…", ord[:12])
		}
		measured := fmt.Sprintf("%s: %s", mode, shown)
		if slices.IsSorted(ord) {
			return 0, measured
		}
		return 1, measured
	},
	Why: "every task does the same work, so those running side by side finish in whatever order the scheduler " +
		"lets them; as_completed yields each the moment it is done (one goroutine alone keeps the order)",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A pool of %d goroutines runs the %d counts on this %d-CPU machine. How much faster than sequential?",
			o.Workers, o.Items, runtime.NumCPU())
	},
	ChoicesFor: func(o *Options) []string {
		return modes.SpeedupChoices(o.Workers, runtime.NumCPU(), o.Items)
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		mm, ok := m.Modes[modes.Goroutines]
		return modes.SpeedupAnswer(modes.Goroutines, mm, ok, o.Workers)
	},
	Why: "counting is pure computing: no more than min(workers, CPUs) counts run at once; CPython's thread pool " +
		"would not even get that (the GIL; free-threaded 3.13+ aside), a ProcessPoolExecutor would",
}}

// orderMode is the way whose completion order the first question asks
// about: the goroutine pool, unless --run-as picked another way.
func orderMode(o *Options) string {
	if o.RunAs == modes.Sequential || o.RunAs == modes.Processes {
		return o.RunAs
	}
	return modes.Goroutines
}

func orderWho(o *Options) string {
	switch orderMode(o) {
	case modes.Sequential:
		return "one goroutine, in turn"
	case modes.Processes:
		return fmt.Sprintf("%d worker processes", o.Workers)
	}
	return fmt.Sprintf("%d goroutines", o.Workers)
}
