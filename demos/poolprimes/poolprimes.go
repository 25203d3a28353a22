// Package poolprimes is scenario F1: checking numbers for primality by trial
// division, sequentially, on a pool of goroutines and on a pool of worker
// processes, and measuring what the pools buy.
package poolprimes

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/pool"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// beat is the story pause between the parts (0.3 s at the default speed).
const beat = 3

// cookbook is the cookbook's list: five large primes (one of them twice)
// and one large composite.
func cookbook() []int64 {
	return []int64{112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419}
}

// longWork is the number of trial divisions (per mode and round) above
// which the run warns that it will take a while: about two seconds here.
const longWork = 1_000_000_000

// maxWork bounds the trial divisions of a whole run, every mode and round
// counted: about three minutes on one core of a machine doing half a
// billion divisions a second, less when the pools share it out. A
// near-2⁶³ prime needs 1.5 billion, so a thousand of them × 20 rounds (30
// hours) is refused up front instead of warned about.
const maxWork = 100_000_000_000

// roleWorker is the child role of the process pool's workers.
const roleWorker = "pool/primes-worker"

// Options are the scenario's knobs.
type Options struct {
	Workers int     // pool size: goroutines or worker processes; 0 means one per CPU
	Mode    string  // which ways to do the job: all, or one of modes.All
	Numbers []int64 // the numbers to check
	Rounds  int     // time each mode this many times and keep its fastest round
}

// Metrics are what the scenario measured.
type Metrics struct {
	// Workers is the pool size, for goroutines and processes alike:
	// --workers, or the number of CPUs when --workers is 0 (the default).
	Workers int `json:"workers"`
	// CPUs is the CPUs this machine offers (runtime.NumCPU): no pool beats
	// sequential by more than this.
	CPUs int `json:"cpus"`
	// Rounds is how many times each mode did the whole list (--rounds); the
	// fastest round counts.
	Rounds int `json:"rounds"`
	// Results has one entry per number of --numbers, in order, taken from
	// the first mode that ran, which every other mode must match.
	Results []Result `json:"results"`
	// Modes has one entry per mode that ran (sequential, goroutines,
	// processes).
	Modes map[string]modes.Metrics `json:"modes"`
	// Pids is the process pool's worker pids, in start order ([] when the
	// process mode did not run); each per-number event of the process mode
	// carries the pid of the worker that answered.
	Pids []int `json:"pids"`
}

// Result is what the check of one number found.
type Result struct {
	N     int64 `json:"n"`     // the number checked
	Prime bool  `json:"prime"` // whether it is prime
	// Factor is its smallest factor greater than 1: the number itself when
	// prime, 0 for 0 and 1, which are neither prime nor composite.
	Factor int64 `json:"factor"`
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "pool primes", ID: "F1",
		Title:  "A pool of workers checks primes in parallel: goroutines vs processes",
		Python: "multiprocessing.Pool / concurrent.futures.ProcessPoolExecutor",
		Go:     "a worker pool with futures (internal/pool) over goroutines, or over re-executed worker processes",
		Knobs: func(k *demos.Knobs, o *Options) {
			// 0 rather than runtime.NumCPU() as the default keeps the help
			// text and the generated docs the same on every machine.
			k.Int(&o.Workers, "workers", "pool size: goroutines or worker processes; 0 means one per CPU", 0, 0, 64)
			k.Int64s(&o.Numbers, "numbers", "the numbers to check", cookbook(), 0, math.MaxInt64)
			modes.Knobs(k, &o.Mode, &o.Rounds)
		},
		Check:   check,
		Explain: lesson,
		// The work first (trial division, which knows nothing of pools),
		// then the three ways of spreading it.
		Lesson: []string{"demos/poolprimes/factor.go", "demos/poolprimes/poolprimes.go", "internal/pool/pool.go"},
		Run:    run,
		Quiz:   quiz,
		Children: map[string]demos.ChildRole{
			roleWorker: worker,
		},
		Outcomes: outcomes(),
		Sweep:    sweep(),
	}.Demo()
}

// check refuses a run whose total work is beyond maxWork, naming the
// knobs that set it.
func check(o *Options, _ *demos.Knobs) error {
	var per uint64 // divisions per mode and round
	for _, n := range o.Numbers {
		per += Divisions(n)
	}
	ms := uint64(len(modes.Selected(o.Mode)))
	hi, total := bits.Mul64(per, uint64(o.Rounds)*ms)
	if hi > 0 || total > maxWork {
		return fmt.Errorf("--numbers (%d, up to %s trial divisions each round) × --repeat %d × %d mode(s) of --run-as %s "+
			"is more than %s trial divisions in all, the limit (a few minutes): check fewer or smaller numbers, "+
			"use fewer --repeat, or pick one --run-as", len(o.Numbers), ev.Int(per), o.Rounds, ms, o.Mode, ev.Int(uint64(maxWork)))
	}
	return nil
}

// answer is what one check found, and who found it.
type answer struct {
	N      int64
	Prime  bool
	Factor int64
	Worker string
	Pid    int // the worker process, in process mode
}

func found(n, factor int64) answer { return answer{N: n, Factor: factor, Prime: n >= 2 && factor == n} }

func (a answer) String() string {
	switch {
	case a.N < 2:
		return fmt.Sprintf("%d is neither prime nor composite", a.N)
	case a.Prime:
		return fmt.Sprintf("%d is prime", a.N)
	}
	return fmt.Sprintf("%d is not prime: smallest factor %d", a.N, a.Factor)
}

// report emits one event per number checked: never one per divisor.
func report(env *demos.Env, mode string, a answer, done, total int) {
	kv := []any{"mode", mode, "n", a.N, "prime", a.Prime, "factor", a.Factor,
		ev.AttrDone, done, ev.AttrTotal, total, ev.AttrProgress, mode}
	if a.Pid != 0 {
		kv = append(kv, "pid", a.Pid)
	}
	env.Log(a.Worker, ev.Step, a.String(), kv...)
}

// job is one run's work: the numbers, the pool size, and how many rounds
// each mode is timed.
type job struct {
	env     *demos.Env
	nums    []int64
	workers int
	rounds  int
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	j := job{env: env, nums: o.Numbers, workers: o.Workers, rounds: o.Rounds}
	if j.workers == 0 {
		j.workers = min(runtime.NumCPU(), 64)
	}
	env.Logf("main", ev.Note, "%d number(s) to check by trial division: 2, then every odd number up to ⌊√n⌋", len(j.nums))
	var work uint64
	for _, n := range j.nums {
		work += Divisions(n)
	}
	if work > longWork {
		env.Logf("main", ev.Warn, "these numbers may need up to %s trial divisions per mode and round: this can take a while (Ctrl-C stops it)", ev.Int(work))
	}
	env.Logf("main", ev.Note, "this machine has %d CPU(s); the pools have %d worker(s); %s",
		runtime.NumCPU(), j.workers, modes.RoundsNote(j.rounds))

	var (
		rep   modes.Report
		first []answer // the first mode's answers: every other mode must agree
		pids  = []int{}
		notes []string
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
			got []answer
			r   modes.Run
			err error
		)
		switch m {
		case modes.Sequential:
			env.Phase("sequential: one goroutine checks every number in turn")
			got, r, err = j.sequential(ctx)
		case modes.Goroutines:
			env.Phase(fmt.Sprintf("goroutine pool: %d workers take numbers from one channel", j.workers))
			got, r, err = j.goroutinePool(ctx)
		case modes.Processes:
			if perr := proc.Supported(); perr != nil && o.Mode == "all" {
				env.Logf("main", ev.Warn, "skipping the process pool: %v", perr)
				continue
			}
			env.Phase(fmt.Sprintf("process pool: %d worker processes, started once, fed over their pipes", j.workers))
			got, r, pids, err = j.processPool(ctx)
		}
		if err != nil {
			if ctx.Err() != nil {
				return ev.Result{}, demos.Stopped(ctx)
			}
			return ev.Result{}, err
		}
		rep = append(rep, r)
		if first == nil {
			first = got
		} else if diff := differ(first, got); diff != "" {
			notes = append(notes, fmt.Sprintf("%s disagrees with %s: %s", m, rep[0].Mode, diff))
		}
	}
	return conclude(j, rep, first, pids, notes), nil
}

func (j job) sequential(ctx context.Context) ([]answer, modes.Run, error) {
	got, times, err := j.timeRounds(ctx, modes.Sequential, func(ctx context.Context, emit bool) ([]answer, error) {
		out := make([]answer, len(j.nums))
		for i, n := range j.nums {
			f, ok := SmallestFactor(n, modes.KeepGoing(ctx, j.env))
			if !ok {
				return nil, demos.Stopped(ctx)
			}
			out[i] = found(n, f)
			out[i].Worker = "main"
			if emit {
				report(j.env, modes.Sequential, out[i], i+1, len(j.nums))
			}
		}
		return out, nil
	})
	return got, modes.Run{Mode: modes.Sequential, Workers: 1, Rounds: times}, err
}

// task and reply are what a pool worker is given and gives back; for the
// process pool they travel over the worker process's pipes as JSON.
type task struct {
	I int   `json:"i"` // the number's place in the list
	N int64 `json:"n"`
}

type reply struct {
	I      int   `json:"i"`
	Factor int64 `json:"factor"`
	Pid    int   `json:"pid"` // the process that did the work, in its own words (0 for a goroutine)
}

func (j job) tasks() []task {
	ts := make([]task, len(j.nums))
	for i, n := range j.nums {
		ts[i] = task{I: i, N: n}
	}
	return ts
}

// divide is one task: the trial division, stopped if ctx ends.
func divide(ctx context.Context, t task, more func() bool) (reply, error) {
	f, ok := SmallestFactor(t.N, more)
	if !ok {
		return reply{}, demos.Stopped(ctx)
	}
	return reply{I: t.I, Factor: f}, nil
}

// collect hands every number to p at once and takes the answers as they
// complete: a quick number does not wait behind a slow one. The goroutine
// pool and the process pool are the same type, so this is the same code
// for both.
func (j job) collect(ctx context.Context, p *pool.Pool[task, reply], mode string, emit bool) ([]answer, error) {
	var fs []*pool.Future[reply]
	for _, t := range j.tasks() {
		fs = append(fs, p.Submit(t)) // returns at once; the task waits for a free worker
	}
	out := make([]answer, len(j.nums))
	done := 0
	for f := range pool.AsCompleted(fs) {
		r, err := f.Result(ctx)
		if err != nil {
			return nil, err
		}
		a := found(j.nums[r.I], r.Factor)
		a.Worker, a.Pid = f.Worker(), r.Pid
		out[r.I] = a
		if done++; emit {
			report(j.env, mode, a, done, len(j.nums))
		}
	}
	return out, nil
}

// goroutinePool is the classic pool: a fixed number of goroutines, each
// taking the next number from the pool's queue as soon as it is free, so
// a worker that drew a quick number simply takes another (see
// internal/pool). A fresh pool per round: starting goroutines costs
// microseconds.
func (j job) goroutinePool(ctx context.Context) ([]answer, modes.Run, error) {
	got, times, err := j.timeRounds(ctx, modes.Goroutines, func(ctx context.Context, emit bool) ([]answer, error) {
		p := pool.New(ctx, j.workers, func(ctx context.Context, t task) (reply, error) {
			return divide(ctx, t, modes.KeepGoing(ctx, j.env))
		})
		out, err := j.collect(ctx, p, modes.Goroutines, emit)
		p.Close()
		if jerr := p.Join(); err == nil {
			err = jerr
		}
		return out, err
	})
	return got, modes.Run{Mode: modes.Goroutines, Workers: j.workers, Rounds: times}, err
}

// worker is the body of a pool process: it answers tasks until the parent
// closes its standard input.
func worker(ctx context.Context, self *proc.Self) error {
	self.Log(ev.Start, "up and waiting for numbers on its standard input")
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var t task
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		// Between chunks of divisions the worker tells the parent's
		// watchdog it is busy, not stuck (a beat line on its pipe).
		r, err := divide(ctx, t, func() bool { self.Beat(); return ctx.Err() == nil })
		r.Pid = self.Pid
		return r, err
	})
}

// processPool starts the worker processes once, timing that separately,
// then puts the same pool type in front of them: each of its goroutines
// only carries a number over a pipe to a free worker process and waits
// for the answer. Every round runs the same collect as the goroutine pool.
func (j job) processPool(ctx context.Context) ([]answer, modes.Run, []int, error) {
	begin := j.env.Now()
	procs, err := j.env.NewPool(ctx, j.workers, roleWorker, "worker", nil)
	if err != nil {
		return nil, modes.Run{}, nil, err
	}
	defer procs.Kill() // on every path; after Close it finds nothing left to kill
	p := pool.OverProcesses[task, reply](ctx, procs)
	defer func() { p.Terminate(); _ = p.Join() }() // error paths; a no-op after the Close and Join below
	// A process is started once exec returns, but ready only once its Go
	// runtime is up and reading tasks: one trivial task per worker (the
	// first n tasks handed out go to n different workers) belongs to the
	// start-up, or the first round would pay for it.
	if _, err := p.Map(ctx, make([]task, j.workers)); err != nil {
		return nil, modes.Run{}, nil, err
	}
	startup := j.env.Now() - begin
	pids := procs.Pids()
	j.env.Log("main", ev.Start, fmt.Sprintf("started %d worker processes, all ready in %s (pids %s); they stay up for every number",
		j.workers, ev.Dur(startup), joinInts(pids)), "pids", pids, "startup_ms", ev.Ms(startup))

	got, times, err := j.timeRounds(ctx, modes.Processes, func(ctx context.Context, emit bool) ([]answer, error) {
		out, err := j.collect(ctx, p, modes.Processes, emit)
		for _, a := range out {
			if err == nil && !strings.Contains(a.Worker, fmt.Sprintf("[pid %d]", a.Pid)) {
				err = fmt.Errorf("%s answered as pid %d", a.Worker, a.Pid)
			}
		}
		return out, err
	})
	if err != nil {
		return nil, modes.Run{}, nil, err
	}
	p.Close()
	if err := p.Join(); err != nil {
		return nil, modes.Run{}, nil, err
	}
	if err := procs.Close(); err != nil {
		return nil, modes.Run{}, nil, err
	}
	j.env.Logf("main", ev.Done, "closed the pool: its %d processes exited", j.workers)
	return got, modes.Run{Mode: modes.Processes, Workers: j.workers, Startup: startup, Rounds: times}, pids, nil
}

// timeRounds times a mode over j.rounds rounds (see modes.TimeRounds):
// every round must find the same factors.
func (j job) timeRounds(ctx context.Context, mode string, round func(ctx context.Context, report bool) ([]answer, error)) ([]answer, []time.Duration, error) {
	return modes.TimeRounds(ctx, j.env, mode, j.rounds, round, differ)
}

// differ describes the first number two modes disagree on, or "".
func differ(a, b []answer) string {
	for i := range a {
		if a[i].Prime != b[i].Prime || a[i].Factor != b[i].Factor {
			return fmt.Sprintf("%q vs %q", a[i].String(), b[i].String())
		}
	}
	return ""
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

func conclude(j job, rep modes.Report, answers []answer, pids []int, notes []string) ev.Result {
	nums, workers := j.nums, j.workers
	primes := 0
	results := make([]Result, len(answers))
	tb := ev.Table{Title: "numbers", Header: []string{"number", "prime?", "smallest factor"}}
	for i, a := range answers {
		results[i] = Result{N: a.N, Prime: a.Prime, Factor: a.Factor}
		verdict, factor := "no", fmt.Sprint(a.Factor)
		switch {
		case a.N < 2:
			verdict, factor = "neither", "—"
		case a.Prime:
			primes++
			verdict = "yes"
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprint(a.N), verdict, factor})
	}
	cpus := runtime.NumCPU()
	res := ev.Result{
		Metrics: Metrics{Workers: workers, CPUs: cpus, Rounds: j.rounds, Results: results,
			Modes: rep.Metrics(cpus, len(nums)), Pids: pids},
		Tables: []ev.Table{tb, rep.Table(cpus, len(nums))},
		Timing: rep.Timing(),
	}
	counted := fmt.Sprintf("%d of %d number(s) prime", primes, len(nums))
	if len(notes) > 0 {
		res.Verdict = "the modes disagree — " + strings.Join(notes, "; ")
		res.Hint = "nothing: this is a bug, please report it with the command line above"
		return res
	}
	if len(rep) > 1 {
		counted += ", the same answers in every mode"
	}
	res.Verdict, res.Observed, res.Hint = judgeSpeedups(rep, counted, cpus, workers, len(nums))
	return res
}

// judgeSpeedups is the speed-up part of the verdict. How fast can a pool
// be at best? No faster than its workers, the CPUs they share, or the
// number of tasks there are to split: min(workers, CPUs, numbers). A pool
// beyond that is a measurement problem, never a success.
func judgeSpeedups(rep modes.Report, counted string, cpus, workers, tasks int) (verdict string, observed bool, hint string) {
	js := rep.Judge(cpus, tasks)
	text, shown := modes.Summary(js)
	switch {
	case text == "":
		return counted + "; no pool was compared with a sequential run", false, "--run-as all"
	case shown:
		return counted + "; " + text, true, ""
	}
	verdict = counted + "; " + text
	switch modes.Worst(js) {
	case modes.Serial:
		switch {
		case workers < 2:
			return verdict, false, "--workers 2 or more: one worker cannot beat one loop"
		case cpus < 2:
			return verdict, false, "a machine with more than one CPU: with one, nothing runs in parallel"
		default:
			return verdict, false, "give --numbers several large primes: one number is one task, which one worker does alone"
		}
	case modes.Impossible:
		return verdict, false, "--repeat 5, more or larger primes in --numbers, or a quieter machine"
	}
	return verdict, false, "more or larger primes in --numbers (the work was too small to pay for the pool), or a quieter machine"
}

// outcomes are the classes `pardemo verify` counts: the answers must be
// right in every mode; the speed-up is the lesson.
func outcomes() []demos.Outcome[Options, Metrics] {
	judged := func(m Metrics, st modes.Status) bool {
		for mode, mm := range m.Modes {
			if mode != modes.Sequential && mm.Judged == string(st) {
				return true
			}
		}
		return false
	}
	return []demos.Outcome[Options, Metrics]{
		{Name: "wrong answer", Class: demos.Forbidden, Desc: "a number was called prime or composite wrongly: a bug",
			When: func(o *Options, m Metrics) bool {
				if len(m.Results) != len(o.Numbers) {
					return true
				}
				for i, r := range m.Results {
					if prime, f := IsPrime(o.Numbers[i]); r.N != o.Numbers[i] || r.Prime != prime || r.Factor != f {
						return true
					}
				}
				return false
			}},
		{Name: "impossible speed-up", Class: demos.Acceptable, Desc: "a pool beat min(workers, CPUs, numbers): the timing was disturbed",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.Impossible) }},
		{Name: "no speed-up", Class: demos.Acceptable, Desc: "a pool gained less than half of what the CPUs allow, or could not gain (one worker or CPU)",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.NoSpeedup) || judged(m, modes.Serial) }},
		{Name: "speed-up", Class: demos.Interesting, Desc: "every pool checked the numbers near min(workers, CPUs, numbers) times faster",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.Speedup) }},
		{Name: "not compared", Class: demos.Acceptable, Desc: "one mode ran alone: no speed-up to judge",
			When: func(o *Options, m Metrics) bool { return true }},
	}
}
