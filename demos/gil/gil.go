// Package gil is scenario T5: why CPython's global interpreter lock (GIL)
// makes threads useless for CPU-bound work but not for IO-bound work, and
// what Go, which has no GIL, does instead.
package gil

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// maxSteps bounds --count × --jobs × --trials, so a typo cannot keep the
// machine busy for minutes (each step is about a nanosecond, and every
// trial counts three times: once per way).
const maxSteps = 1_000_000_000

// ioWait is the IO-bound job: one wait of this many story seconds.
const ioWait = 1.0

// The two models of the GIL (--gil).
const (
	modelLock       = "lock"
	modelGOMAXPROCS = "gomaxprocs"
)

// Options are the scenario's knobs.
type Options struct {
	Count  int    // each CPU-bound job counts to this
	Jobs   int    // jobs of each kind, and workers in the concurrent ways
	Trials int    // CPU-bound timings to take, keeping the best
	GIL    string // how the GIL is modelled: "lock" (one global lock) or "gomaxprocs" (runtime.GOMAXPROCS(1))
}

// Metrics are what the scenario measured.
type Metrics struct {
	// the CPU-bound jobs (--jobs counts to --count), each way, best of --trials
	CPU Ways `json:"cpu"`
	// the IO-bound jobs (--jobs waits of 1 story-second), each way, timed once
	IO Ways `json:"io"`
	// runtime.GOMAXPROCS(0) at the start: how many goroutines could compute at once, the most a CPU-bound speed-up can be
	Cores int `json:"cores"`
}

// Ways is one kind of job's wall time, each of the three ways.
type Ways struct {
	SequentialMs float64 `json:"sequential_ms"` // one job after another, in one goroutine
	GILMs        float64 `json:"gil_ms"`        // one goroutine per job under the modelled GIL (--gil lock or gomaxprocs)
	ParallelMs   float64 `json:"parallel_ms"`   // one goroutine per job on all cores, no GIL: Go as it is
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "gil", ID: "T5",
		Title:  "The GIL: threads speed up waiting, not computing — Go has no GIL",
		Python: "threading.Thread under the GIL", Go: "goroutines on every core (GOMAXPROCS)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Count, "count", "each CPU-bound job counts to this", 10_000_000, 1_000, 100_000_000)
			k.Int(&o.Jobs, "jobs", "jobs of each kind, and workers in the concurrent ways", 4, 1, 16)
			k.Int(&o.Trials, "trials", "time the CPU-bound ways this many times and keep the best", 5, 1, 10)
			k.Choice(&o.GIL, "gil", "how the GIL is modelled: one global lock, or runtime.GOMAXPROCS(1)", modelLock, modelLock, modelGOMAXPROCS)
		},
		Check:   check,
		Explain: lesson,
		Lesson:  []string{"demos/gil/model.go", "demos/gil/gil.go"},
		Run:     run,
	}.Demo()
}

func check(o *Options, _ *demos.Knobs) error {
	if steps := o.Count * o.Jobs * o.Trials; steps > maxSteps {
		return fmt.Errorf("--count × --jobs × --trials asks for %s counting steps; the limit is %s", ev.Int(steps), ev.Int(maxSteps))
	}
	return nil
}

// way is how a batch of jobs is run.
type way int

const (
	sequential way = iota // one after another, in one goroutine
	underGIL              // one goroutine per job, with the modelled GIL
	allCores              // one goroutine per job, no GIL: Go as it is
)

var ways = []way{sequential, underGIL, allCores}

// actor is the name a way speaks under.
func (w way) actor() string { return [...]string{"sequential", "gil", "all-cores"}[w] }

// setup is one run's shape.
type setup struct {
	count, jobs, trials int
	model               string
	cores               int // runtime.GOMAXPROCS(0): goroutines that can compute at once
}

// times is one kind of job's wall time, each way.
type times [3]time.Duration

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	s := setup{count: o.Count, jobs: o.Jobs, trials: o.Trials,
		model: o.GIL, cores: runtime.GOMAXPROCS(0)}
	introduce(env, s)

	env.Phase(fmt.Sprintf("CPU-bound: %d job(s), each counts to %s", s.jobs, ev.Int(s.count)))
	cpu, err := measureCPU(ctx, env, s)
	if err != nil {
		return ev.Result{}, err
	}
	env.Phase(fmt.Sprintf("IO-bound: %d job(s), each waits %g story-second", s.jobs, ioWait))
	io, err := measureIO(ctx, env, s)
	if err != nil {
		return ev.Result{}, err
	}
	return conclude(s, cpu, io), nil
}

func introduce(env *demos.Env, s setup) {
	env.Log("main", ev.Note, "Go has no GIL: goroutines compute on every core at once. To see what CPython's GIL does to threads, this run builds one and runs each job three ways: sequentially, with one worker per job under the GIL, and with one worker per job on all cores")
	switch s.model {
	case modelLock:
		env.Logf("main", ev.Note, "the GIL here is one global lock: a worker must hold it to compute, and hands it to a waiting worker after %s (CPython's switch interval); it lets go around every wait, as CPython does around blocking IO", ev.Dur(switchInterval))
	case modelGOMAXPROCS:
		env.Log("main", ev.Note, "the GIL here is runtime.GOMAXPROCS(1): Go runs at most one goroutine at a time, switches between busy ones about every 10ms, and lets go of a goroutine that waits. It is process-wide (the watchdog and the printer share that one core) and is put back after each GIL run")
	}
	env.Log("main", ev.Note, fmt.Sprintf("cores: GOMAXPROCS is %d (the machine has %d CPUs), so at most %d goroutines compute at once", s.cores, runtime.NumCPU(), s.cores),
		"gomaxprocs", s.cores, "num_cpu", runtime.NumCPU())
	if s.trials > 1 {
		env.Logf("main", ev.Note, "CPU-bound times are the best of %d trials, the three ways taking turns, so one hiccup of a busy machine does not decide the table", s.trials)
	}
}

// measureCPU times the counting jobs each way, trials times, keeping the
// best time of each way.
func measureCPU(ctx context.Context, env *demos.Env, s setup) (times, error) {
	var best times
	all := make([][]time.Duration, len(ways))
	sums := map[uint64]bool{}
	var switches int64
	for range s.trials {
		for _, w := range ways {
			begin := env.Now()
			sum, sw, err := runCPU(ctx, env, s, w)
			if err != nil {
				return best, err
			}
			d := env.Now() - begin
			all[w] = append(all[w], d)
			sums[sum] = true
			switches += sw
		}
	}
	for _, w := range ways {
		best[w] = slices.Min(all[w])
		msg := fmt.Sprintf("%s: %s", describe(s, w), ev.Dur(best[w]))
		if s.trials > 1 {
			msg = fmt.Sprintf("%s: best %s of %s", describe(s, w), ev.Dur(best[w]), durs(all[w]))
		}
		kv := []any{"best_ms", ev.Ms(best[w])}
		if w == underGIL && s.model == modelLock {
			msg += fmt.Sprintf("; computing workers handed the GIL over %s time(s) in all", ev.Int(switches))
			kv = append(kv, "switches", switches)
		}
		env.Log(w.actor(), ev.Step, msg, kv...)
	}
	// Every job computed the same checksum whichever way it ran: every step
	// ran, every time (see countTo).
	if len(sums) != 1 {
		return best, errors.New("the counting jobs disagree on their checksum: that is a bug")
	}
	for sum := range sums {
		env.Logf("main", ev.Note, "every job, every way, ended with checksum %#x: all steps really ran", sum)
	}
	return best, nil
}

// describe says what a way does with the jobs.
func describe(s setup, w way) string {
	switch w {
	case sequential:
		return fmt.Sprintf("%d job(s) one after another", s.jobs)
	case underGIL:
		return fmt.Sprintf("%d worker(s) under the GIL", s.jobs)
	}
	return fmt.Sprintf("%d worker(s) on %d core(s)", s.jobs, s.cores)
}

func durs(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = ev.Dur(d)
	}
	return strings.Join(parts, ", ")
}

// runCPU counts, one job per goroutine unless sequential. It returns a
// job's checksum and, under the lock model, how often the GIL changed hands.
func runCPU(ctx context.Context, env *demos.Env, s setup, w way) (uint64, int64, error) {
	// Between chunks a job tells the watchdog it is alive and stops if the
	// run is over. No event is emitted while counting: emitting takes a lock.
	alive := func() error {
		env.Beat()
		if ctx.Err() != nil {
			return demos.Stopped(ctx)
		}
		return nil
	}
	if w == sequential {
		var sum uint64
		for range s.jobs {
			var err error
			if sum, err = countTo(s.count, alive); err != nil {
				return 0, 0, err
			}
		}
		return sum, 0, nil
	}
	if w == underGIL && s.model == modelGOMAXPROCS {
		// Set 1 now; the deferred call puts back the value it returns.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	var gil *interpreterLock
	if w == underGIL && s.model == modelLock {
		gil = newInterpreterLock()
	}
	sums := make([]uint64, s.jobs)
	errs := make([]error, s.jobs)
	var wg sync.WaitGroup
	for i := range s.jobs {
		wg.Go(func() {
			if gil == nil {
				sums[i], errs[i] = countTo(s.count, alive)
				return
			}
			// Under the GIL: no computing without holding it.
			h := &holder{lock: gil}
			defer h.drop()
			if errs[i] = h.take(ctx); errs[i] != nil {
				return
			}
			sums[i], errs[i] = countTo(s.count, func() error {
				if err := alive(); err != nil {
					return err
				}
				return h.check(ctx)
			})
		})
	}
	wg.Wait()
	var switches int64
	if gil != nil {
		switches = gil.switches.Load()
	}
	return sums[0], switches, errors.Join(errs...)
}

// measureIO times the waiting jobs each way, once: a sleep of a story
// second takes what it takes, whoever looks.
func measureIO(ctx context.Context, env *demos.Env, s setup) (times, error) {
	var t times
	for _, w := range ways {
		begin := env.Now()
		if err := runIO(ctx, env, s, w); err != nil {
			return t, err
		}
		t[w] = env.Now() - begin
		env.Log(w.actor(), ev.Step, fmt.Sprintf("%s: %s", describe(s, w), ev.Dur(t[w])), "ms", ev.Ms(t[w]))
	}
	return t, nil
}

func runIO(ctx context.Context, env *demos.Env, s setup, w way) error {
	if w == sequential {
		for range s.jobs {
			if err := env.Sleep(ctx, ioWait); err != nil {
				return err
			}
		}
		return nil
	}
	if w == underGIL && s.model == modelGOMAXPROCS {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	var gil *interpreterLock
	if w == underGIL && s.model == modelLock {
		gil = newInterpreterLock()
	}
	errs := make([]error, s.jobs)
	var wg sync.WaitGroup
	for i := range s.jobs {
		wg.Go(func() {
			if gil == nil {
				errs[i] = env.Sleep(ctx, ioWait)
				return
			}
			errs[i] = waitUnderGIL(ctx, env, gil, fmt.Sprintf("job-%d", i+1))
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// waitUnderGIL is one IO-bound job in CPython: Python code (holding the
// GIL) sends a request, the blocking wait runs without the GIL, and Python
// code takes the GIL back to read the reply.
func waitUnderGIL(ctx context.Context, env *demos.Env, gil *interpreterLock, name string) error {
	h := &holder{lock: gil}
	defer h.drop()
	if err := h.take(ctx); err != nil {
		return err
	}
	env.Logf(name, ev.Acquire, "holds the GIL to send its request, then lets go of it for the %g story-second wait", ioWait)
	h.drop()
	if err := env.Sleep(ctx, ioWait); err != nil {
		return err
	}
	if err := h.take(ctx); err != nil {
		return err
	}
	env.Log(name, ev.Wake, "reply in: took the GIL back to read it")
	return nil
}

// speedup is how many times faster d ran than the sequential base; 0 when
// there is nothing to compare (a clock that did not move).
func speedup(base, d time.Duration) float64 {
	if base <= 0 || d <= 0 {
		return 0
	}
	return float64(base) / float64(d)
}

func ms(t times) Ways {
	return Ways{SequentialMs: ev.Ms(t[sequential]), GILMs: ev.Ms(t[underGIL]), ParallelMs: ev.Ms(t[allCores])}
}

func factor(f float64) string {
	if f == 0 {
		return "—"
	}
	return ev.Float(f) + "×"
}

func conclude(s setup, cpu, io times) ev.Result {
	gilHead := "workers + GIL (one lock)"
	if s.model == modelGOMAXPROCS {
		gilHead = "workers + GIL (GOMAXPROCS=1)"
	}
	tb := ev.Table{Title: "wall time (speed-up over sequential)",
		Header: []string{"job", "sequential", gilHead, fmt.Sprintf("workers, %d core(s)", s.cores)}}
	for _, row := range []struct {
		name string
		t    times
	}{{"CPU-bound", cpu}, {"IO-bound", io}} {
		r := []string{row.name, ev.Dur(row.t[sequential])}
		for _, w := range []way{underGIL, allCores} {
			r = append(r, fmt.Sprintf("%s (%s)", ev.Dur(row.t[w]), factor(speedup(row.t[sequential], row.t[w]))))
		}
		tb.Rows = append(tb.Rows, r)
	}
	res := ev.Result{
		Metrics: Metrics{CPU: ms(cpu), IO: ms(io), Cores: s.cores},
		Tables:  []ev.Table{tb},
		Timing:  []ev.Timing{{Label: "one count to " + ev.Int(s.count), D: cpu[sequential] / time.Duration(s.jobs)}},
	}

	ioGIL := speedup(io[sequential], io[underGIL])
	cpuGIL := speedup(cpu[sequential], cpu[underGIL])
	cpuPar := speedup(cpu[sequential], cpu[allCores])
	ideal := min(s.cores, s.jobs) // the best a CPU-bound speed-up can be
	res.Verdict = fmt.Sprintf("IO-bound: %s with %d workers under the GIL; CPU-bound: %s under the GIL, %s on %d core(s) (at most %d× is possible)",
		factor(ioGIL), s.jobs, factor(cpuGIL), factor(cpuPar), s.cores, ideal)

	// What the lesson predicts, with room for a noisy machine: waiting
	// overlaps under the GIL (close to jobs×); computing does not (about
	// 1×); without the GIL computing speeds up, but never past the cores.
	ioOverlaps := ioGIL >= 0.6*float64(s.jobs)
	gilSerialises := cpuGIL > 0 && cpuGIL < 1.2
	coresHelp := cpuPar >= 1+0.3*float64(ideal-1) && cpuPar >= 1.15*cpuGIL
	withinCores := cpuPar <= float64(ideal)*1.1
	switch {
	case s.jobs < 2:
		res.Verdict += ": one job has nothing to overlap with"
		res.Hint = "--jobs 4"
	case cpuGIL == 0 || cpuPar == 0:
		res.Verdict += ": the CPU-bound jobs ran too fast to time"
		res.Hint = "a larger --count"
	case !ioOverlaps:
		res.Verdict += fmt.Sprintf(": the waits did not overlap as they should (%d jobs should give close to %d×)", s.jobs, s.jobs)
		res.Hint = "a lower --speed: at this speed a story-second is too short to time well"
	case !gilSerialises:
		res.Verdict += ": under the GIL the CPU-bound jobs should take as long as sequentially, but the timings strayed"
		res.Hint = "run it again on a less busy machine, or with more --trials"
	case s.cores < 2:
		res.Verdict += ": with one core nothing can compute in parallel, GIL or not"
		res.Hint = "a machine (or GOMAXPROCS) with 2 or more cores"
	case !coresHelp:
		res.Verdict += ": without the GIL the CPU-bound jobs should have sped up, but the machine was too busy to give them its cores"
		res.Hint = "run it again on a less busy machine, or with more --trials"
	case !withinCores:
		res.Verdict += fmt.Sprintf(": a speed-up above %d× is impossible on %d core(s), so a sequential trial was slowed by something else", ideal, s.cores)
		res.Hint = "run it again on a less busy machine, or with more --trials"
	default:
		res.Observed = true
		res.Verdict += ": waiting overlaps under the GIL, computing only without it"
	}
	return res
}
