package poolsum

import (
	"fmt"
	"runtime"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal part of `pardemo pool sum --quiz`: how
// much faster the goroutines add than one, and which of goroutines and
// processes finishes first. Both answers are this run's timings.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d goroutines each add one slice of 1..%s on this %d-CPU machine. How much faster than one goroutine?",
			o.Workers, ev.Int(o.N), runtime.NumCPU())
	},
	ChoicesFor: func(o *Options) []string {
		return modes.SpeedupChoices(o.Workers, runtime.NumCPU(), o.Workers)
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		mm, ok := m.Modes[modes.Goroutines]
		return modes.SpeedupAnswer(modes.Goroutines, mm.Metrics, ok, o.Workers)
	},
	Why: "adding is pure computing, so a slice adds only while its worker has a CPU: no more than min(workers, CPUs) " +
		"add at once; CPython's threads would not even get that (the GIL lets one run, free-threaded 3.13+ aside)",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The same sum on %d goroutines, then on %d child processes (started afresh each run). Which finishes first?",
			o.Workers, o.Workers)
	},
	Choices: []string{
		"the processes: each has a CPU of its own",
		"the goroutines: nothing to start",
		"neither: within 10% of each other",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		g, gok := m.Modes[modes.Goroutines]
		p, pok := m.Modes[modes.Processes]
		return modes.FasterAnswer(g.WallMs, p.WallMs, gok && pok, "goroutines and processes did not both run (--run-as all compares them)")
	},
	Why: "both run the same adding code on the same CPUs; the processes also pay for starting, and for sending " +
		"their parts back over pipes, which goroutines sharing memory do not",
}}
