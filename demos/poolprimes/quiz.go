package poolprimes

import (
	"fmt"
	"runtime"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
)

// quiz is the predict-then-reveal part of `pardemo pool primes --quiz`:
// how much faster the pool is than one goroutine (the naive guess: one
// CPU's worth per worker), and whether processes beat goroutines (the
// Python habit: they do). The answers are this run's timings.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A pool of %d %s checks %d numbers on this %d-CPU machine. How much faster than sequential?",
			poolSize(o), quizMode(o), len(o.Numbers), runtime.NumCPU())
	},
	ChoicesFor: func(o *Options) []string {
		return modes.SpeedupChoices(poolSize(o), runtime.NumCPU(), len(o.Numbers))
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		mode := quizMode(o)
		mm, ok := m.Modes[mode]
		return modes.SpeedupAnswer(mode, mm, ok, poolSize(o))
	},
	Why: "trial division is pure computing: each worker needs a CPU of its own, so no pool beats min(workers, CPUs); " +
		"in CPython only a process pool gets there, threads share one GIL (free-threaded 3.13+ aside)",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The same numbers on %d goroutines, then on %d worker processes (start-up left out). Which pool is faster?",
			poolSize(o), poolSize(o))
	},
	Choices: []string{
		"the processes: they run truly in parallel",
		"the goroutines: no pipes between them",
		"neither: within 10% of each other",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		g, gok := m.Modes[modes.Goroutines]
		p, pok := m.Modes[modes.Processes]
		return modes.FasterAnswer(g.ComputeMs, p.ComputeMs, gok && pok, "the two pools did not both run (--run-as all compares them)")
	},
	Why: "Go has no GIL: goroutines use every CPU as processes do; a process pool adds a round trip over pipes " +
		"per number, which matters only when a number is quick to check",
}}

// quizMode is the pool the question is about: the goroutines unless
// --run-as picked processes.
func quizMode(o *Options) string {
	if o.Mode == modes.Processes {
		return modes.Processes
	}
	return modes.Goroutines
}

// poolSize is --workers, or one per CPU when it is 0, as run decides.
func poolSize(o *Options) int {
	if o.Workers == 0 {
		return min(runtime.NumCPU(), 64)
	}
	return o.Workers
}
