// Package poolsum is scenario F2: summing 1..n split into contiguous
// slices, one worker each — goroutines or child processes — then merging
// the partial sums and checking them against n(n+1)/2.
package poolsum

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// beat is the story pause between the parts (0.3 s at the default speed).
const beat = 3

// maxN keeps n(n+1)/2 inside an int64: 4,000,000,000 × 4,000,000,001 / 2
// is 8.0e18, just under the largest int64 (9.2e18).
const maxN = 4_000_000_000

// maxAdds bounds --n × --repeat: a few seconds of adding per mode.
const maxAdds = 12_000_000_000

const roleSummer = "pool/sum-worker"

// Options are the scenario's knobs.
type Options struct {
	N       int    // add up 1..n
	Workers int    // slices, one worker (goroutine or process) each
	Mode    string // which ways to do the job (--run-as): all, or one of modes.All
	Rounds  int    // time each mode this many times and keep its fastest run (--repeat)
}

// Metrics are what the scenario measured.
type Metrics struct {
	N        int64 `json:"n"`        // the sum is 1..n (--n, at most 4,000,000,000 so that n(n+1)/2 fits in an int64)
	Workers  int   `json:"workers"`  // contiguous slices, one goroutine or child process each (--workers)
	CPUs     int   `json:"cpus"`     // CPUs this machine offers (runtime.NumCPU): no way beats sequential by more than min(workers, cpus)
	Rounds   int   `json:"rounds"`   // how many times each mode did the whole sum (--repeat); the fastest run counts
	Sum      int64 `json:"sum"`      // the merged sum of the first mode that ran
	Expected int64 `json:"expected"` // n(n+1)/2
	// Modes has one entry per mode that ran (sequential, goroutines,
	// processes).
	Modes map[string]Mode `json:"modes"`
}

// Mode is one mode's entry in Metrics.Modes: the numbers every pool
// scenario reports for a mode, plus what this one adds.
type Mode struct {
	// Metrics are the keys of pool primes' modes (workers, wall_ms,
	// startup_ms, compute_ms, rounds_ms, ceiling, speedup, efficiency,
	// judged); startup_ms is
	// 0 here, since the children's start-up is part of every round.
	modes.Metrics
	Sum int64 `json:"sum"` // that mode's merged sum
	// SpawnMs is, for processes only, the time to start the children in
	// each round: they are started afresh every round, so their start-up is
	// part of rounds_ms.
	SpawnMs []float64 `json:"spawn_ms,omitempty"`
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "pool sum", ID: "F2",
		Title:  "Split a big sum into slices, one worker each, and merge the parts",
		Python: "multiprocessing.Process + Queue (one process per slice)",
		Go:     "one goroutine per slice (errgroup), or one child process per slice returning its part over a pipe",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.N, "n", "add up 1..n", 100_000_000, 1, maxN)
			k.Int(&o.Workers, "workers", "slices, one worker (goroutine or process) each", 8, 1, 64)
			modes.Knobs(k, &o.Mode, &o.Rounds)
		},
		Check:   check,
		Explain: lesson,
		// The work first (adding a slice, and the formula that checks it),
		// then how the slices are cut, handed out and merged.
		Lesson: []string{"demos/poolsum/sum.go", "demos/poolsum/poolsum.go"},
		Run:    run,
		Quiz:   quiz,
		Children: map[string]demos.ChildRole{
			roleSummer: summer,
		},
		Outcomes: outcomes(),
		Sweep:    sweep(),
	}.Demo()
}

func check(o *Options, _ *demos.Knobs) error {
	n, w := o.N, o.Workers
	if w > n {
		return fmt.Errorf("--workers %d is more than --n %d: every worker needs at least one number", w, n)
	}
	if adds := int64(n) * int64(o.Rounds); adds > maxAdds {
		return fmt.Errorf("--n × --repeat is %s additions per mode; the limit is %s", ev.Int(adds), ev.Int(maxAdds))
	}
	return nil
}

// span is one worker's slice: lo..hi, both included.
type span struct {
	Lo int64 `json:"lo"`
	Hi int64 `json:"hi"`
}

func (s span) String() string { return ev.Int(s.Lo) + ".." + ev.Int(s.Hi) }

// split cuts 1..n into parts contiguous slices whose sizes differ by at
// most one. Only the bounds exist: the numbers are never stored.
func split(n int64, parts int) []span {
	out := make([]span, parts)
	size, extra := n/int64(parts), n%int64(parts)
	lo := int64(1)
	for i := range out {
		hi := lo + size - 1
		if int64(i) < extra {
			hi++
		}
		out[i] = span{lo, hi}
		lo = hi + 1
	}
	return out
}

// job is one run's work.
type job struct {
	env     *demos.Env
	cpus    int // runtime.NumCPU(), or what a test says
	n       int64
	workers int
	rounds  int
}

// outcome is one mode's merged sum and timing.
type outcome struct {
	sum   int64
	run   modes.Run
	spawn []time.Duration // processes only: time to start them, per round
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	j := job{env: env, cpus: runtime.NumCPU(), n: int64(o.N), workers: o.Workers, rounds: o.Rounds}
	expected := Formula(j.n)
	env.Logf("main", ev.Note, "adding 1..%s in %d contiguous slice(s); the answer must be n(n+1)/2 = %s",
		ev.Int(j.n), j.workers, ev.Int(expected))
	env.Logf("main", ev.Note, "this machine has %d CPU(s); %s", j.cpus, modes.RoundsNote(j.rounds))

	var (
		rep  modes.Report
		outs = map[string]outcome{}
	)
	for i, m := range modes.Selected(o.Mode) {
		// A story pause between the parts, so a class can read each one
		// before the next scrolls past: the work itself takes milliseconds.
		if i > 0 {
			if err := env.Sleep(ctx, beat); err != nil {
				return ev.Result{}, err
			}
		}
		var (
			got outcome
			err error
		)
		switch m {
		case modes.Sequential:
			env.Phase("sequential: one loop adds every number")
			got, err = j.sequential(ctx)
		case modes.Goroutines:
			env.Phase(fmt.Sprintf("goroutines: %d slices, one goroutine each", j.workers))
			got, err = j.goroutines(ctx)
		case modes.Processes:
			if perr := proc.Supported(); perr != nil && o.Mode == "all" {
				env.Logf("main", ev.Warn, "skipping the processes: %v", perr)
				continue
			}
			env.Phase(fmt.Sprintf("processes: %d slices, one child process each, started afresh every round", j.workers))
			got, err = j.processes(ctx)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ev.Result{}, demos.Stopped(ctx)
			}
			return ev.Result{}, err
		}
		kind := ev.Done
		if got.sum != expected {
			kind = ev.Warn
		}
		env.Log("main", kind, fmt.Sprintf("%s: the sum is %s, n(n+1)/2 is %s", m, ev.Int(got.sum), ev.Int(expected)), "mode", m, "sum", got.sum)
		rep = append(rep, got.run)
		outs[m] = got
	}
	return conclude(j, expected, rep, outs), nil
}

// timeRounds times a mode over j.rounds rounds (see modes.TimeRounds):
// every round must reach the same sum.
func (j job) timeRounds(ctx context.Context, mode string, round func(ctx context.Context, report bool) (int64, error)) (int64, []time.Duration, error) {
	return modes.TimeRounds(ctx, j.env, mode, j.rounds, round, func(first, again int64) string {
		if first == again {
			return ""
		}
		return fmt.Sprintf("it summed to %s, round 1 to %s", ev.Int(again), ev.Int(first))
	})
}

func (j job) sequential(ctx context.Context) (outcome, error) {
	sum, times, err := j.timeRounds(ctx, modes.Sequential, func(ctx context.Context, report bool) (int64, error) {
		all := span{1, j.n}
		sum, ok := Sum(all.Lo, all.Hi, modes.KeepGoing(ctx, j.env))
		if !ok {
			return 0, demos.Stopped(ctx)
		}
		if report {
			j.env.Log("main", ev.Step, fmt.Sprintf("summed %s: %s", all, ev.Int(sum)), "lo", all.Lo, "hi", all.Hi, "sum", sum)
		}
		return sum, nil
	})
	return outcome{sum: sum, run: modes.Run{Mode: modes.Sequential, Workers: 1, Rounds: times}}, err
}

// goroutines gives each slice its own goroutine; each writes its partial
// sum into its own element of parts, so nothing is shared while they add.
// The merge happens after all of them are done.
func (j job) goroutines(ctx context.Context) (outcome, error) {
	spans := split(j.n, j.workers)
	sum, times, err := j.timeRounds(ctx, modes.Goroutines, func(ctx context.Context, report bool) (int64, error) {
		parts := make([]int64, len(spans))
		g, ctx := errgroup.WithContext(ctx)
		for i, s := range spans {
			g.Go(func() error {
				sum, ok := Sum(s.Lo, s.Hi, modes.KeepGoing(ctx, j.env))
				if !ok {
					return demos.Stopped(ctx)
				}
				parts[i] = sum
				if report {
					j.env.Log(fmt.Sprintf("worker-%d", i+1), ev.Step, fmt.Sprintf("summed %s: %s", s, ev.Int(sum)),
						"lo", s.Lo, "hi", s.Hi, "sum", sum)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return 0, err
		}
		return merge(parts), nil
	})
	return outcome{sum: sum, run: modes.Run{Mode: modes.Goroutines, Workers: j.workers, Rounds: times}}, err
}

func merge(parts []int64) int64 {
	var total int64
	for _, p := range parts {
		total += p
	}
	return total
}

// summerArgs is what a child is told: its slice, and whether to report.
type summerArgs struct {
	Span   span `json:"span"`
	Report bool `json:"report"`
}

// partial is what a child sends back over its pipe.
type partial struct {
	Sum int64 `json:"sum"`
	Pid int   `json:"pid"`
}

// summer is the body of a child process: sum its slice, send the part back.
func summer(ctx context.Context, self *proc.Self) error {
	var a summerArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	// Between chunks the child tells the parent's watchdog it is busy.
	sum, ok := Sum(a.Span.Lo, a.Span.Hi, func() bool { self.Beat(); return ctx.Err() == nil })
	if !ok {
		return demos.Stopped(ctx)
	}
	if a.Report {
		self.Log(ev.Step, fmt.Sprintf("summed %s: %s", a.Span, ev.Int(sum)), "lo", a.Span.Lo, "hi", a.Span.Hi, "sum", sum)
	}
	return self.Result(partial{Sum: sum, Pid: self.Pid})
}

// processes starts one child per slice, every round — as the cookbook
// does, without a pool — and collects each part from the child's result.
// Starting the processes is timed separately: it is paid on every run.
func (j job) processes(ctx context.Context) (outcome, error) {
	spans := split(j.n, j.workers)
	var spawn []time.Duration
	sum, times, err := j.timeRounds(ctx, modes.Processes, func(ctx context.Context, report bool) (int64, error) {
		begin := j.env.Now()
		children := make([]*proc.Child, 0, len(spans))
		defer func() {
			for _, c := range children {
				c.Kill() // only matters on an error path: a finished child is left alone
			}
		}()
		for i, s := range spans {
			c, err := j.env.Spawn(ctx, roleSummer, fmt.Sprintf("sum-%d", i+1), summerArgs{Span: s, Report: report})
			if err != nil {
				return 0, err
			}
			children = append(children, c)
		}
		started := j.env.Now() - begin
		spawn = append(spawn, started)
		if report {
			pids := make([]string, len(children))
			for i, c := range children {
				pids[i] = fmt.Sprint(c.Pid)
			}
			j.env.Log("main", ev.Start, fmt.Sprintf("started %d child processes in %s (pids %s)", len(children), ev.Dur(started), strings.Join(pids, ", ")),
				"startup_ms", ev.Ms(started))
		}
		parts := make([]int64, len(children))
		for i, c := range children {
			var p partial
			if err := c.Result(&p); err != nil { // waits for the child to exit
				return 0, err
			}
			if p.Pid != c.Pid {
				return 0, fmt.Errorf("%s (pid %d) answered as pid %d", c.Name, c.Pid, p.Pid)
			}
			parts[i] = p.Sum
		}
		return merge(parts), nil
	})
	return outcome{sum: sum, spawn: spawn, run: modes.Run{Mode: modes.Processes, Workers: j.workers, Rounds: times}}, err
}

func conclude(j job, expected int64, rep modes.Report, outs map[string]outcome) ev.Result {
	metrics := map[string]Mode{}
	var sum int64
	var wrong []string
	for mode, m := range rep.Metrics(j.cpus, j.workers) {
		o := outs[mode]
		row := Mode{Metrics: m, Sum: o.sum}
		if len(o.spawn) > 0 {
			row.SpawnMs = make([]float64, len(o.spawn))
			for i, d := range o.spawn {
				row.SpawnMs[i] = ev.Ms(d)
			}
		}
		metrics[mode] = row
	}
	for _, r := range rep {
		o := outs[r.Mode]
		if r.Mode == rep[0].Mode {
			sum = o.sum
		}
		if o.sum != expected {
			wrong = append(wrong, fmt.Sprintf("%s got %s", r.Mode, ev.Int(o.sum)))
		}
	}
	res := ev.Result{
		Metrics: Metrics{N: j.n, Workers: j.workers, CPUs: j.cpus, Rounds: j.rounds, Sum: sum, Expected: expected, Modes: metrics},
		Tables:  []ev.Table{rep.Table(j.cpus, j.workers)},
		Timing:  rep.Timing(),
	}
	if len(wrong) > 0 {
		res.Verdict = fmt.Sprintf("n(n+1)/2 is %s but %s", ev.Int(expected), strings.Join(wrong, ", "))
		res.Hint = "nothing: this is a bug, please report it with the command line above"
		return res
	}
	res.Verdict = fmt.Sprintf("every mode's sum is %s = n(n+1)/2", ev.Int(expected))
	if len(rep) > 1 {
		res.Verdict = fmt.Sprintf("%d modes, one answer: %s = n(n+1)/2", len(rep), ev.Int(expected))
	}
	// The lesson is the goroutines' speed-up: the slices really are added
	// side by side. The processes are judged too, but start afresh every
	// run (as the cookbook's do), so their start-up may eat their gain:
	// that is told, not required. Any speed-up above what the CPUs allow
	// is a measurement problem and fails the run.
	js := rep.Judge(j.cpus, j.workers)
	var parts []string
	goroutines := modes.Status("")
	for _, jm := range js {
		part := jm.String()
		if o := outs[jm.Mode]; len(o.spawn) > 0 {
			r, _ := rep.Find(jm.Mode)
			fastest := slices.Index(r.Rounds, r.Compute())
			part += fmt.Sprintf(" (starting its %d processes took %s of its %s, paid every run)", j.workers, ev.Dur(o.spawn[fastest]), ev.Dur(r.Compute()))
		}
		parts = append(parts, part)
		if jm.Mode == modes.Goroutines {
			goroutines = jm.Status
		}
	}
	if len(parts) > 0 {
		res.Verdict += "; " + strings.Join(parts, "; ")
	}
	worst := modes.Worst(js)
	switch {
	case goroutines == "":
		res.Hint = "--run-as all: the lesson is the goroutines' speed-up over the sequential loop"
	case worst == modes.Impossible:
		res.Hint = "--repeat 5, a bigger --n, or a quieter machine: a speed-up above the CPUs' is a disturbed timing"
	case goroutines == modes.Serial:
		if j.workers < 2 {
			res.Hint = "--workers 2 or more"
		} else {
			res.Hint = "a machine with more than one CPU: with one, nothing runs in parallel"
		}
	case goroutines != modes.Speedup:
		res.Hint = fmt.Sprintf("a bigger --n (--n %s), or a quieter machine", ev.Int(min(maxN, 10*j.n)))
	default:
		res.Observed = true
	}
	return res
}

// outcomes are the classes `pardemo verify` counts, from the goroutines'
// judgement (the lesson) and the sums.
func outcomes() []demos.Outcome[Options, Metrics] {
	judged := func(m Metrics, st modes.Status) bool {
		for mode, mm := range m.Modes {
			if mode != modes.Sequential && mm.Judged == string(st) {
				return true
			}
		}
		return false
	}
	goroutines := func(m Metrics) string { return m.Modes[modes.Goroutines].Judged }
	return []demos.Outcome[Options, Metrics]{
		{Name: "wrong sum", Class: demos.Forbidden, Desc: "a mode's sum is not n(n+1)/2: a bug",
			When: func(o *Options, m Metrics) bool {
				for _, mm := range m.Modes {
					if mm.Sum != m.Expected {
						return true
					}
				}
				return m.Sum != m.Expected
			}},
		{Name: "impossible speed-up", Class: demos.Acceptable, Desc: "a mode beat min(workers, CPUs): the timing was disturbed",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.Impossible) }},
		{Name: "speed-up", Class: demos.Interesting, Desc: "the goroutines added the slices side by side, near min(workers, CPUs) times faster",
			When: func(o *Options, m Metrics) bool { return goroutines(m) == string(modes.Speedup) }},
		{Name: "no speed-up", Class: demos.Acceptable, Desc: "the goroutines gained less than half of what the CPUs allow (busy machine or small --n)",
			When: func(o *Options, m Metrics) bool { return goroutines(m) != "" }},
		{Name: "not compared", Class: demos.Acceptable, Desc: "the goroutines were not compared with the sequential loop",
			When: func(o *Options, m Metrics) bool { return true }},
	}
}
