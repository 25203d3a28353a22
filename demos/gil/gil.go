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
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// maxSteps bounds --count × --jobs × --repeat, so a typo cannot keep the
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
	Count int // each CPU-bound job counts to this
	Jobs  int // jobs of each kind
	// Workers is the goroutines (CPython: threads) of the two concurrent
	// ways; 0 means one per job, as many as Jobs.
	Workers int
	Trials  int    // CPU-bound timings to take, keeping the best
	GIL     string // how the GIL is modelled: "lock" (one global lock) or "gomaxprocs" (runtime.GOMAXPROCS(1))
}

// Metrics are what the scenario measured.
type Metrics struct {
	// the CPU-bound jobs (--jobs counts to --count), each way, best of --repeat
	CPU Ways `json:"cpu"`
	// the IO-bound jobs (--jobs waits of 1 story-second), each way, timed once
	IO Ways `json:"io"`
	// runtime.GOMAXPROCS(0) at the start: how many goroutines could compute at once, the most a CPU-bound speed-up can be
	Cores int `json:"cores"`
	// the CPU each CPU-bound way got in its best trial, in cores (process CPU time ÷ wall time; 0 where not measured): well below 1, 1 and the cores means the machine was busy
	CoresUsed CoresUsed `json:"cores_used"`
	// the machine's CPUs left idle during each CPU-bound way's trials, in cores (all CPUs' idle time from /proc/stat ÷ wall time; -1 where not measured): about 0 while other programs keep the machine busy
	IdleCores IdleCores `json:"idle_cores"`
	// one IO-bound wait (1 story-second) in real milliseconds at this --speed
	WaitMs float64 `json:"wait_ms"`
	// the workers of the two concurrent ways: --workers, or --jobs when that is 0
	Workers int `json:"workers"`
}

// IdleCores is the machine's idle CPU during each CPU-bound way's trials,
// in cores, to 10 ms: free cores a way did not use mean the way, not the
// machine, fell short.
type IdleCores struct {
	Sequential float64 `json:"sequential"` // during the sequential trials: about cores − 1 on a quiet machine
	GIL        float64 `json:"gil"`        // during the GIL trials: about cores − 1 on a quiet machine
	Parallel   float64 `json:"parallel"`   // during the all-cores trials: about cores − min(cores, jobs) on a quiet machine
}

// CoresUsed is the CPU each CPU-bound way got in its best trial, in cores.
type CoresUsed struct {
	Sequential float64 `json:"sequential"` // one job after another: at most 1
	GIL        float64 `json:"gil"`        // under the modelled GIL: at most about 1, whatever the cores
	Parallel   float64 `json:"parallel"`   // on all cores: up to min(cores, jobs)
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
			k.Int(&o.Jobs, "jobs", "jobs of each kind", 4, 1, 16)
			k.Int(&o.Workers, "workers", "workers (threads) of the two concurrent ways; 0 means one per job, as many as --jobs", 0, 0, 16)
			k.Int(&o.Trials, "repeat", "time the CPU-bound ways this many times and keep the best", 5, 1, 10)
			k.Choice(&o.GIL, "gil", "how the GIL is modelled: one global lock, or runtime.GOMAXPROCS(1)", modelLock, modelLock, modelGOMAXPROCS)
		},
		Check:    check,
		Explain:  lesson,
		Lesson:   []string{"demos/gil/model.go", "demos/gil/gil.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
		Sweep:    sweep(),
	}.Demo()
}

func check(o *Options, _ *demos.Knobs) error {
	if steps := o.Count * o.Jobs * o.Trials; steps > maxSteps {
		return fmt.Errorf("--count × --jobs × --repeat asks for %s counting steps; the limit is %s", ev.Int(steps), ev.Int(maxSteps))
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
	workers             int // goroutines of the concurrent ways: one per job unless --workers
	model               string
	cores               int           // runtime.GOMAXPROCS(0): goroutines that can compute at once
	wait                time.Duration // one IO-bound wait in real time at this --speed
}

// times is one kind of job's wall time, each way.
type times [3]time.Duration

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	s := setup{count: o.Count, jobs: o.Jobs, trials: o.Trials, workers: workersOf(o),
		model: o.GIL, cores: runtime.GOMAXPROCS(0), wait: env.Story(ioWait)}
	introduce(env, s)

	env.Phase(fmt.Sprintf("CPU-bound: %d job(s), each counts to %s", s.jobs, ev.Int(s.count)))
	cpu, used, idle, err := measureCPU(ctx, env, s)
	if err != nil {
		return ev.Result{}, err
	}
	env.Phase(fmt.Sprintf("IO-bound: %d job(s), each waits %g story-second", s.jobs, ioWait))
	io, err := measureIO(ctx, env, s)
	if err != nil {
		return ev.Result{}, err
	}
	return conclude(s, cpu, io, used, idle), nil
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
// best time of each way, and how many cores' worth of CPU the process got
// during that best trial (0 where it cannot be measured).
func measureCPU(ctx context.Context, env *demos.Env, s setup) (times, CoresUsed, IdleCores, error) {
	var best times
	var used [3]float64
	var idleTicks [3]uint64
	var wall [3]time.Duration
	idleOK, hz := true, 0.0
	all := make([][]time.Duration, len(ways))
	sums := map[uint64]bool{}
	var switches int64
	// On a busy machine a best trial may still have got less CPU than it
	// could use; then up to --repeat more trials are timed (within the
	// bound on counting steps), still keeping the fastest of each way.
	cores := func() CoresUsed {
		return CoresUsed{Sequential: round2(used[sequential]), GIL: round2(used[underGIL]), Parallel: round2(used[allCores])}
	}
	rounds := 0
	for rounds < s.trials || (rounds < 2*s.trials && s.count*s.jobs*(rounds+1) <= maxSteps && starved(cores(), IdleCores{-1, -1, -1}, min(s.cores, s.jobs, s.workers)) != "") {
		rounds++
		for _, w := range ways {
			idle0, _, ok0 := machineIdle()
			begin, cpu0 := env.Now(), processCPU()
			sum, sw, err := runCPU(ctx, env, s, w)
			if err != nil {
				return best, CoresUsed{}, IdleCores{}, err
			}
			d, cpu := env.Now()-begin, processCPU()-cpu0
			idle1, h, ok1 := machineIdle()
			if idleOK = idleOK && ok0 && ok1 && idle1 >= idle0; idleOK {
				idleTicks[w] += idle1 - idle0
				hz = h
			}
			wall[w] += d
			if len(all[w]) == 0 || d < best[w] {
				best[w], used[w] = d, 0
				if d > 0 && cpu0 > 0 {
					used[w] = float64(cpu) / float64(d)
				}
			}
			all[w] = append(all[w], d)
			sums[sum] = true
			switches += sw
		}
	}
	cu := cores()
	ic := IdleCores{Sequential: -1, GIL: -1, Parallel: -1}
	if idleOK && hz > 0 {
		// The counters move in ticks of 10 ms per CPU: below 100 ms of
		// trials in all they say too little. The idle cores cannot be more
		// than the machine's CPUs.
		idle := func(w way) float64 {
			if wall[w] < 100*time.Millisecond {
				return -1
			}
			return round2(min(float64(runtime.NumCPU()), float64(idleTicks[w])/hz/wall[w].Seconds()))
		}
		ic = IdleCores{Sequential: idle(sequential), GIL: idle(underGIL), Parallel: idle(allCores)}
	}
	if rounds > s.trials {
		env.Logf("main", ev.Note, "the machine is busy: the best trials got less CPU than they could use, so %d more trial(s) of each way were timed, keeping the fastest", rounds-s.trials)
	}
	for _, w := range ways {
		msg := fmt.Sprintf("%s: %s", describe(s, w), ev.Dur(best[w]))
		if rounds > 1 {
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
		return best, cu, ic, errors.New("the counting jobs disagree on their checksum: that is a bug")
	}
	for sum := range sums {
		env.Logf("main", ev.Note, "every job, every way, ended with checksum %#x: all steps really ran", sum)
	}
	return best, cu, ic, nil
}

// describe says what a way does with the jobs.
func describe(s setup, w way) string {
	switch w {
	case sequential:
		return fmt.Sprintf("%d job(s) one after another", s.jobs)
	case underGIL:
		return fmt.Sprintf("%d worker(s) under the GIL", min(s.workers, s.jobs))
	}
	return fmt.Sprintf("%d worker(s) on %d core(s)", min(s.workers, s.jobs), s.cores)
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
	each(s, func(i int) {
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
	each(s, func(i int) {
		if gil == nil {
			errs[i] = env.Sleep(ctx, ioWait)
			return
		}
		errs[i] = waitUnderGIL(ctx, env, gil, fmt.Sprintf("job-%d", i+1))
	})
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

func conclude(s setup, cpu, io times, used CoresUsed, idle IdleCores) ev.Result {
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
	m := Metrics{CPU: ms(cpu), IO: ms(io), Cores: s.cores, CoresUsed: used, IdleCores: idle, WaitMs: ev.Ms(s.wait), Workers: s.workers}
	res := ev.Result{
		Metrics: m,
		Tables:  []ev.Table{tb},
		Timing:  []ev.Timing{{Label: "one count to " + ev.Int(s.count), D: cpu[sequential] / time.Duration(s.jobs)}},
	}
	j := judge(s.jobs, m)
	res.Verdict = fmt.Sprintf("IO-bound: %s with %d workers under the GIL; CPU-bound: %s under the GIL, %s on %d core(s) (at most %d× is possible)",
		factor(j.ioGIL), s.workers, factor(j.cpuGIL), factor(j.cpuPar), s.cores, j.ideal)
	again := "running it again on a less busy machine, or a higher --repeat"
	switch j.f {
	case oneJob:
		res.Verdict += ": one job has nothing to overlap with"
		res.Hint = "--jobs 4"
	case oneWorker:
		res.Verdict += ": one worker runs one job at a time, so nothing overlaps"
		res.Hint = "--workers 0 (one per job)"
	case waitedEarly:
		res.Verdict += fmt.Sprintf(": a wait ended before its story time (%s, %s and %s for %d, 1 and 1 story-s): a sleep cannot end early — please report it",
			ev.Dur(io[sequential]), ev.Dur(io[underGIL]), ev.Dur(io[allCores]), s.jobs)
	case tooFast:
		res.Verdict += ": the CPU-bound jobs ran too fast to time"
		res.Hint = "a larger --count"
	case waitsLate:
		res.Verdict += ": the waits under the GIL should take about one wait, but " + j.waits[underGIL].Behind()
		res.Hint = demos.PaceHint
	case oneCore:
		res.Verdict += ": with one core nothing can compute in parallel, GIL or not"
		res.Hint = "a machine (or GOMAXPROCS) with 2 or more cores"
	case busy:
		res.Verdict += fmt.Sprintf(": the machine was too busy to time the counting: the best trials got less CPU than they could use (%s)", j.starved)
		res.Hint = again
	case gilStrayed:
		res.Verdict += ": under the GIL the CPU-bound jobs should take as long as sequentially, but the timings strayed"
		res.Hint = again
	case noSpeedUp:
		res.Verdict += fmt.Sprintf(": without the GIL the CPU-bound jobs should have sped up, though the workers got %s core(s) of CPU", ev.Float(used.Parallel))
		if idle.Parallel >= 0 {
			res.Verdict += fmt.Sprintf(" and the machine left %s idle", ev.Float(idle.Parallel))
		}
		res.Hint = again
	case aboveCores:
		res.Verdict += fmt.Sprintf(": a speed-up above %d× is impossible on %d core(s), so a sequential trial was slowed by something else", j.ideal, s.cores)
		res.Hint = again
	default:
		res.Observed = true
		res.Verdict += ": waiting overlaps under the GIL, computing only without it"
		// Waits overlap at best fully: jobs waits in the time of one. A
		// figure above that is the sequential waits' own lateness.
		if j.ioGIL > float64(s.jobs) {
			res.Verdict += fmt.Sprintf(" (the IO figure is above %d× only because the %d waits one after another ran %s late in all)", s.jobs, s.jobs, ev.Dur(j.waits[sequential].Late()))
		}
	}
	return res
}

// workersOf is the goroutines of the concurrent ways: --workers, or one
// per job when it is 0.
func workersOf(o *Options) int {
	if o.Workers == 0 {
		return o.Jobs
	}
	return o.Workers
}

// each runs job(i) for every job on s.workers goroutines, worker g taking
// jobs g, g+workers, g+2·workers, …: one goroutine per job when there are
// at least as many workers as jobs.
func each(s setup, job func(i int)) {
	w := s.workers
	if w <= 0 {
		w = s.jobs
	}
	var wg sync.WaitGroup
	for g := range min(w, s.jobs) {
		wg.Go(func() {
			for i := g; i < s.jobs; i += w {
				job(i)
			}
		})
	}
	wg.Wait()
}
