// Package modes compares one job done several ways — sequentially, on a
// pool of goroutines, on a pool of processes — for the pool scenarios. It
// turns measured times into the numbers that matter: speed-up over the
// sequential run, and parallel efficiency against the best speed-up
// possible, min(workers, CPUs, tasks); and it judges them (Judge): a
// speed-up above that bound is a measurement problem, never a success.
package modes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// The ways a pool scenario can do its job.
const (
	Sequential = "sequential"
	Goroutines = "goroutines"
	Processes  = "processes"
)

// All is every mode, in the order a scenario runs them.
var All = []string{Sequential, Goroutines, Processes}

// Knobs declares the two knobs every pool scenario offers: --run-as,
// which ways to do the job, and --repeat, how often to time each. The old
// spellings --mode and --rounds still work for one release, with a
// deprecation note.
func Knobs(k *demos.Knobs, runAs *string, repeat *int) {
	k.Choice(runAs, "run-as", "which ways to do the job: all of them in turn, or one", "all", "all", Sequential, Goroutines, Processes)
	k.Alias("mode", "run-as")
	k.Int(repeat, "repeat", "time each way this many times and keep its fastest run", 3, 1, 20)
	k.Alias("rounds", "repeat")
}

// Selected is the modes --run-as asks for, in running order.
func Selected(choice string) []string {
	if choice == "all" || choice == "" {
		return All
	}
	return []string{choice}
}

// RoundsNote says how each mode is timed, for the scenario's opening notes.
func RoundsNote(rounds int) string {
	if rounds == 1 {
		return "each way is timed once"
	}
	return fmt.Sprintf("each way is timed %d times and its fastest run counts", rounds)
}

// Run is one mode's measurement.
type Run struct {
	Mode    string
	Workers int
	// Startup is the time to get the workers going (starting processes),
	// paid once; zero where it is too small to matter.
	Startup time.Duration
	// Rounds are the times the job itself took, from handing out the
	// first task to the last result, once per round.
	Rounds []time.Duration
}

// Compute is the fastest round: the one least disturbed by whatever else
// the machine was doing.
func (r Run) Compute() time.Duration {
	if len(r.Rounds) == 0 {
		return 0
	}
	return slices.Min(r.Rounds)
}

// Wall is what the mode cost for one job: its start-up plus its fastest
// round.
func (r Run) Wall() time.Duration { return r.Startup + r.Compute() }

// Report is the runs of one scenario run, in the order they ran.
type Report []Run

// Find returns the run of mode.
func (rep Report) Find(mode string) (Run, bool) {
	for _, r := range rep {
		if r.Mode == mode {
			return r, true
		}
	}
	return Run{}, false
}

// Speedup is how many times faster than the sequential run r did the
// job: fastest compute time against fastest compute time. A pool's
// start-up (starting processes, paid once) is left out and shown on its
// own; a mode that pays it every run has it inside its compute time. ok is
// false without a sequential run to compare with.
func (rep Report) Speedup(r Run) (speedup float64, ok bool) {
	seq, ok := rep.Find(Sequential)
	if !ok || r.Compute() <= 0 {
		return 0, false
	}
	return float64(seq.Compute()) / float64(r.Compute()), true
}

// Ceiling is the best speed-up r could reach: no more than its workers,
// the CPUs they share, or (tasks > 0) the tasks there are to split.
func Ceiling(r Run, cpus, tasks int) int {
	c := max(1, min(r.Workers, cpus))
	if tasks > 0 {
		c = min(c, tasks)
	}
	return max(1, c)
}

// Efficiency is the speed-up against the best one possible (Ceiling): 1
// means the job ran that many times faster, as if every usable CPU did
// useful work all the time; 0.5 on two CPUs means no gain at all. Counting
// workers beyond the CPUs would blame the pool for CPUs the machine lacks.
func (rep Report) Efficiency(r Run, cpus, tasks int) (float64, bool) {
	s, ok := rep.Speedup(r)
	if !ok {
		return 0, false
	}
	return s / float64(Ceiling(r, cpus, tasks)), true
}

// Metrics is one mode's entry in the modes object of a result.
type Metrics struct {
	Workers   int       `json:"workers"`    // goroutines or processes doing the job (1 for sequential)
	WallMs    float64   `json:"wall_ms"`    // what the mode cost for one job: startup_ms + compute_ms
	StartupMs float64   `json:"startup_ms"` // time to get the workers going (starting processes), paid once and left out of the speed-up; 0 where too small to matter
	ComputeMs float64   `json:"compute_ms"` // the fastest of rounds_ms
	RoundsMs  []float64 `json:"rounds_ms"`  // the job's time in every run (--repeat), from handing out the first task to the last result
	// Ceiling is the best speed-up this mode could reach: min(workers,
	// CPUs, tasks).
	Ceiling int `json:"ceiling"`
	// Speedup is the sequential compute_ms divided by this mode's
	// (start-up left out); present only when the sequential mode ran.
	Speedup *float64 `json:"speedup,omitempty"`
	// Efficiency is speedup / ceiling (1: as fast as the usable CPUs allow);
	// present only when the sequential mode ran.
	Efficiency *float64 `json:"efficiency,omitempty"`
	// Judged is the verdict on the speed-up: "speed-up", "no speed-up",
	// "impossible" (above ceiling: a measurement problem) or "baseline";
	// present only when the sequential mode ran.
	Judged string `json:"judged,omitempty"`
}

// Metrics is the modes object of a result: one entry per mode that ran,
// keyed by the mode's name. cpus and tasks bound the speed-up (Ceiling).
func (rep Report) Metrics(cpus, tasks int) map[string]Metrics {
	out := map[string]Metrics{}
	for _, r := range rep {
		m := Metrics{Workers: r.Workers, WallMs: ev.Ms(r.Wall()), Ceiling: Ceiling(r, cpus, tasks),
			StartupMs: ev.Ms(r.Startup), ComputeMs: ev.Ms(r.Compute()), RoundsMs: roundsMs(r.Rounds)}
		if s, ok := rep.Speedup(r); ok {
			m.Speedup = ptr(round(s))
		}
		if e, ok := rep.Efficiency(r, cpus, tasks); ok {
			m.Efficiency = ptr(round(e))
		}
		if j, ok := rep.judge(r, cpus, tasks); ok {
			m.Judged = string(j.Status)
		}
		out[r.Mode] = m
	}
	return out
}

func ptr(f float64) *float64 { return &f }

func roundsMs(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ev.Ms(d)
	}
	return out
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// Table is the modes side by side, for the text view.
func (rep Report) Table(cpus, tasks int) ev.Table {
	tb := ev.Table{Title: "modes", Header: []string{"mode", "workers", "start-up", "compute", "wall", "speed-up", "best possible", "efficiency"}}
	for _, r := range rep {
		speedup, efficiency := "—", "—"
		if s, ok := rep.Speedup(r); ok {
			speedup = ev.Float(s) + "×"
		}
		if e, ok := rep.Efficiency(r, cpus, tasks); ok {
			efficiency = fmt.Sprintf("%.0f%%", 100*e)
		}
		startup := "—"
		if r.Startup > 0 {
			startup = ev.Dur(r.Startup)
		}
		tb.Rows = append(tb.Rows, []string{r.Mode, fmt.Sprint(r.Workers), startup, ev.Dur(r.Compute()), ev.Dur(r.Wall()),
			speedup, fmt.Sprintf("%d×", Ceiling(r, cpus, tasks)), efficiency})
	}
	return tb
}

// Timing is one timing line per mode.
func (rep Report) Timing() []ev.Timing {
	var out []ev.Timing
	for _, r := range rep {
		out = append(out, ev.Timing{Label: r.Mode, D: r.Wall()})
		if r.Startup > 0 {
			out = append(out, ev.Timing{Label: "  of which start-up", D: r.Startup})
		}
	}
	return out
}

// TimeRounds does one round of a mode rounds times and returns the first
// round's answer with every round's time; callers keep the fastest — the
// round least disturbed by whatever else the machine was doing (Python's
// timeit reports the minimum of its repeats for the same reason). Only
// the first round is asked to report its progress; differ describes how a
// later round's answer disagrees with the first ("" when it does not), and
// any disagreement is an error.
func TimeRounds[T any](ctx context.Context, env *demos.Env, mode string, rounds int,
	round func(ctx context.Context, report bool) (T, error), differ func(first, again T) string) (T, []time.Duration, error) {
	var first T
	var times []time.Duration
	for r := range rounds {
		begin := env.Now()
		got, err := round(ctx, r == 0)
		if err != nil {
			return first, nil, err
		}
		times = append(times, env.Now()-begin)
		if r == 0 {
			first = got
		} else if diff := differ(first, got); diff != "" {
			return first, nil, fmt.Errorf("%s round %d disagrees with round 1: %s", mode, r+1, diff)
		}
	}
	if rounds > 1 {
		texts := make([]string, len(times))
		for i, d := range times {
			texts[i] = ev.Dur(d)
		}
		env.Logf("main", ev.Step, "%s: fastest of %d runs %s (%s)", mode, rounds, ev.Dur(slices.Min(times)), strings.Join(texts, ", "))
	}
	return first, times, nil
}

// KeepGoing is a long computation's check between chunks: it tells the
// watchdog the work is progressing, and says stop once ctx has ended.
func KeepGoing(ctx context.Context, env *demos.Env) func() bool {
	return func() bool {
		env.Beat()
		return ctx.Err() == nil
	}
}
