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
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

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

// speedupShown is the speedup over sequential that counts as the lesson
// showing: well above noise, well below what two idle CPUs give.
const speedupShown = 1.25

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
		Go:     "a goroutine pool fed by a channel (errgroup), or a pool of re-executed worker processes",
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
		Lesson: []string{"demos/poolprimes/factor.go", "demos/poolprimes/poolprimes.go"},
		Run:    run,
		Children: map[string]demos.ChildRole{
			roleWorker: worker,
		},
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
		return fmt.Errorf("--numbers (%d, up to %s trial divisions each round) × --rounds %d × %d mode(s) of --mode %s "+
			"is more than %s trial divisions in all, the limit (a few minutes): check fewer or smaller numbers, "+
			"use fewer --rounds, or pick one --mode", len(o.Numbers), ev.Int(per), o.Rounds, ms, o.Mode, ev.Int(uint64(maxWork)))
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
	for _, m := range modes.Selected(o.Mode) {
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

// goroutinePool is the classic pool: a fixed number of workers, each taking
// the next number from a shared channel (see pool).
func (j job) goroutinePool(ctx context.Context) ([]answer, modes.Run, error) {
	got, times, err := j.timeRounds(ctx, modes.Goroutines, func(ctx context.Context, emit bool) ([]answer, error) {
		out := make([]answer, len(j.nums))
		var done atomic.Int64
		err := pool(ctx, len(j.nums), j.workers, func(ctx context.Context, w, i int) error {
			f, ok := SmallestFactor(j.nums[i], modes.KeepGoing(ctx, j.env))
			if !ok {
				return demos.Stopped(ctx)
			}
			out[i] = found(j.nums[i], f) // each index is written by one worker only
			out[i].Worker = fmt.Sprintf("worker-%d", w+1)
			if emit {
				report(j.env, modes.Goroutines, out[i], int(done.Add(1)), len(j.nums))
			}
			return nil
		})
		return out, err
	})
	return got, modes.Run{Mode: modes.Goroutines, Workers: j.workers, Rounds: times}, err
}

// pool calls do(ctx, w, i) for every task index i in 0..n-1 on a fixed
// number of worker goroutines (w is the worker's number, from 0). One
// goroutine feeds the indexes into a channel; each worker takes the next
// one as soon as it is free, so a worker that drew a quick task simply
// takes another. The first error stops the feeding and cancels ctx for
// everyone, and pool returns it once every worker has ended.
//
// errgroup.Group with SetLimit(workers) does the same with one goroutine
// per task; the channel version keeps the workers, like a Python Pool.
func pool(ctx context.Context, n, workers int, do func(ctx context.Context, w, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan int)
	g.Go(func() error {
		defer close(jobs) // no more tasks: the workers' loops end
		for i := range n {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return demos.Stopped(ctx)
			}
		}
		return nil
	})
	for w := range workers {
		g.Go(func() error {
			for i := range jobs {
				if err := do(ctx, w, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// task and reply travel over a worker process's pipes as JSON.
type task struct {
	N int64 `json:"n"`
}

type reply struct {
	Factor int64 `json:"factor"`
	Pid    int   `json:"pid"` // the process that did the work, in its own words
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
		f, ok := SmallestFactor(t.N, func() bool { self.Beat(); return ctx.Err() == nil })
		if !ok {
			return nil, demos.Stopped(ctx)
		}
		return reply{Factor: f, Pid: self.Pid}, nil
	})
}

// processPool starts the worker processes once, timing that separately,
// then hands the numbers out with the same pool as the goroutine pool, in
// every round: but here each pool goroutine only carries its number over a
// pipe to a free worker process and waits for the answer.
func (j job) processPool(ctx context.Context) ([]answer, modes.Run, []int, error) {
	begin := j.env.Now()
	p, err := j.env.NewPool(ctx, j.workers, roleWorker, "worker", nil)
	if err != nil {
		return nil, modes.Run{}, nil, err
	}
	defer p.Kill() // on every path; after Close it finds nothing left to kill
	// A process is started once exec returns, but ready only once its Go
	// runtime is up and reading tasks: one trivial task per worker (the
	// first n tasks handed out go to n different workers) belongs to the
	// start-up, or the first round would pay for it.
	err = pool(ctx, j.workers, j.workers, func(ctx context.Context, _, _ int) error {
		_, err := p.Do(ctx, task{N: 0}, nil)
		return err
	})
	if err != nil {
		return nil, modes.Run{}, nil, err
	}
	startup := j.env.Now() - begin
	pids := p.Pids()
	j.env.Log("main", ev.Start, fmt.Sprintf("started %d worker processes, all ready in %s (pids %s); they stay up for every number",
		j.workers, ev.Dur(startup), joinInts(pids)), "pids", pids, "startup_ms", ev.Ms(startup))

	got, times, err := j.timeRounds(ctx, modes.Processes, func(ctx context.Context, emit bool) ([]answer, error) {
		out := make([]answer, len(j.nums))
		var done atomic.Int64
		err := pool(ctx, len(j.nums), j.workers, func(ctx context.Context, _, i int) error {
			var r reply
			w, err := p.Do(ctx, task{N: j.nums[i]}, &r) // waits for a free process
			if err != nil {
				return err
			}
			if r.Pid != w.Pid {
				return fmt.Errorf("%s (pid %d) answered as pid %d", w.Name, w.Pid, r.Pid)
			}
			out[i] = found(j.nums[i], r.Factor)
			out[i].Worker, out[i].Pid = demos.Actor(w), r.Pid
			if emit {
				report(j.env, modes.Processes, out[i], int(done.Add(1)), len(j.nums))
			}
			return nil
		})
		return out, err
	})
	if err != nil {
		return nil, modes.Run{}, nil, err
	}
	if err := p.Close(); err != nil {
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
	res := ev.Result{
		Metrics: Metrics{Workers: workers, CPUs: runtime.NumCPU(), Rounds: j.rounds, Results: results,
			Modes: rep.Metrics(), Pids: pids},
		Tables: []ev.Table{tb, rep.Table()},
		Timing: rep.Timing(),
	}
	counted := fmt.Sprintf("%d of %d number(s) prime", primes, len(nums))
	if len(notes) > 0 {
		res.Verdict = "the modes disagree — " + strings.Join(notes, "; ")
		res.Hint = "this is a bug: please report it with the command line above"
		return res
	}
	if len(rep) > 1 {
		counted += ", the same answers in every mode"
	}

	// How fast could a pool be at best? No faster than its workers, the
	// CPUs they share, or the number of tasks there are to split.
	best, bestMode := 0.0, ""
	var parts []string
	for _, r := range rep {
		s, ok := rep.Speedup(r)
		if !ok || r.Mode == modes.Sequential {
			continue
		}
		e, _ := rep.Efficiency(r)
		part := fmt.Sprintf("%s: %s× the sequential speed (efficiency %.0f%%)", poolName(r.Mode), ev.Float(s), 100*e)
		if r.Startup > 0 {
			part += fmt.Sprintf(", start-up of %s included, paid once", ev.Dur(r.Startup))
		}
		parts = append(parts, part)
		if s > best {
			best, bestMode = s, r.Mode
		}
	}
	ceiling := min(workers, runtime.NumCPU(), len(nums))
	switch {
	case len(parts) == 0:
		res.Verdict = counted + "; no pool was compared with a sequential run"
		res.Hint = "--mode all"
	case ceiling < 2:
		res.Verdict = counted + "; " + strings.Join(parts, "; ")
		switch {
		case workers < 2:
			res.Verdict += ": one worker cannot beat one loop"
			res.Hint = "--workers 2 or more"
		case runtime.NumCPU() < 2:
			res.Verdict += ": with one CPU nothing runs in parallel"
			res.Hint = "a machine with more than one CPU"
		default:
			res.Verdict += ": one number is one task, which one worker does alone"
			res.Hint = "give --numbers several large primes"
		}
	case best >= speedupShown:
		res.Observed = true
		res.Verdict = counted + "; " + strings.Join(parts, "; ")
	default:
		res.Verdict = counted + fmt.Sprintf("; the best pool (%s) reached only %s× the sequential speed: ", poolName(bestMode), ev.Float(best)) +
			"the work was too small to pay for the pool, or the CPUs were busy with something else"
		res.Hint = "more or larger primes in --numbers, or a quieter machine"
	}
	return res
}

func poolName(mode string) string {
	switch mode {
	case modes.Goroutines:
		return "the goroutine pool"
	case modes.Processes:
		return "the process pool"
	}
	return mode
}
