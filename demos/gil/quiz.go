package gil

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is `pardemo gil --quiz`: whether goroutines speed up computing
// (the Python student's guess: no, the GIL), and whether threads under a
// GIL speed up waiting (the naive guess: no, one at a time).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d jobs each count to %s: one after another, then in %d goroutines on all cores (Go has no GIL). How do the goroutines do?",
			o.Jobs, ev.Int(int64(o.Count)), workersOf(o))
	},
	Choices: []string{
		"no faster: one computes at a time, as under Python's GIL",
		"faster, by up to the number of cores",
		"slower: goroutines cost more than they save",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.CPU.ParallelMs <= 0 {
			return -1, "no parallel time measured"
		}
		s := m.CPU.SequentialMs / m.CPU.ParallelMs
		measured := fmt.Sprintf("one after another %s, goroutines %s: %s× on %d cores", msText(m.CPU.SequentialMs), msText(m.CPU.ParallelMs), ev.Float(s), m.Cores)
		j := judge(o.Jobs, m)
		switch {
		case j.f == tooFast:
			return -1, measured + " — too short to time: try a larger --count"
		case s >= 1.3:
			return 1, measured
		case j.starved != "":
			// A busy machine says nothing about goroutines: not scored.
			return -1, measured + " — the machine withheld the CPU (" + j.starved + ")"
		case s < 0.9:
			return 2, measured
		default:
			if min(m.Workers, o.Jobs, m.Cores) <= 1 {
				measured += "; one job, one worker or one core cannot go faster"
			}
			return 0, measured
		}
	},
	Why: "Go has no GIL: goroutines compute on every core at once, up to min(workers, cores); CPython's threads take turns under the GIL (free-threaded 3.13t aside), so only processes help there",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Under the modelled GIL, %d goroutines share %d IO-bound jobs, each a %g story-s wait. How long do the waits take in all?",
			workersOf(o), o.Jobs, ioWait)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("about %g story-s: the GIL lets one wait at a time", float64(o.Jobs)*ioWait),
			fmt.Sprintf("about %g story-s: a waiting thread lets go of the GIL", float64(overlapped(o))*ioWait),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.WaitMs <= 0 {
			return -1, "no wait measured"
		}
		r := m.IO.GILMs / m.WaitMs
		measured := fmt.Sprintf("the waits took %.1f story-s under the GIL, %.1f one after another", r, m.IO.SequentialMs/m.WaitMs)
		exp, all := float64(overlapped(o)), float64(o.Jobs)
		switch {
		case r >= exp*0.75 && r <= exp*1.5 && r < (exp+all)/2:
			return 1, measured
		case r >= all*0.75:
			return 0, measured
		}
		return -1, measured + fmt.Sprintf(" — neither %g nor %g (a busy machine)", exp, all)
	},
	Why: "CPython releases the GIL around a blocking wait, so threads overlap their waits; the GIL only makes them take turns at computing",
}}

// overlapped is how many waits in a row the concurrent ways take: the jobs
// shared out over the workers.
func overlapped(o *Options) int {
	w := min(workersOf(o), o.Jobs)
	if w <= 0 {
		return o.Jobs
	}
	return (o.Jobs + w - 1) / w
}

func msText(x float64) string { return ev.Dur(time.Duration(x * float64(time.Millisecond))) }
