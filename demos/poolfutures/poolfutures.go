// Package poolfutures is scenario F4: the cookbook's count(x) for x =
// 0..9, sequentially, on a goroutine pool of 5 and on a process pool of 5,
// the pools' results collected as their futures complete; then submit
// returning a future whose Result waits.
package poolfutures

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
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

const roleCounter = "pool/futures-counter"

// maxWork bounds the loop rounds of a whole run, every mode and repeat
// counted: about a minute and a half of counting on one core here
// (0.3 ns a round), less when the pools share it out.
const maxWork = 300_000_000_000

// beat is the story pause between the parts, so a class can read each
// part before the next one scrolls past: the counting itself takes
// milliseconds.
const beat = 3

// Options are the scenario's knobs.
type Options struct {
	Workers int    // pool size, for both pools
	Items   int    // count(x) for x = 0..items-1
	Loops   int    // times count goes round its loop
	RunAs   string // which ways to do the job: all, or one of modes.All
	Repeat  int    // time each way this many times and keep its fastest run
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers int   `json:"workers"` // pool size of both pools (--workers; the cookbook's max_workers=5)
	CPUs    int   `json:"cpus"`    // CPUs this machine offers (runtime.NumCPU): no pool beats sequential by more than this
	Items   int   `json:"items"`   // tasks: count(x) for x = 0..items-1 (--items; the cookbook's 10)
	Loops   int64 `json:"loops"`   // times count goes round its loop (--loops; the cookbook's 10,000,000)
	Repeat  int   `json:"repeat"`  // how many times each way did the whole job (--repeat); the fastest counts
	// Results is count(x) for each x, in x order, from the first way that
	// ran; every other way must match, and each must be loops × x.
	Results []int64 `json:"results"`
	// Completion is, per way, the x of each result in the order the results
	// came back (its first run): submission order for sequential,
	// completion order for the pools.
	Completion map[string][]int `json:"completion"`
	// Modes has one entry per way that ran (sequential, goroutines,
	// processes); a pool's speed-up leaves its start-up out.
	Modes map[string]modes.Metrics `json:"modes"`
	// Pids is the process pool's worker pids, in start order ([] when the
	// process pool did not run).
	Pids []int `json:"pids"`
	// Squares is what the two futures of the submit part returned:
	// square(5) and square(8).
	Squares []int `json:"squares"`
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "pool futures", ID: "F4",
		Title:  "Submit tasks to a pool, get futures, collect them as they complete",
		Python: "concurrent.futures: ThreadPoolExecutor / ProcessPoolExecutor, submit, as_completed",
		Go:     "a pool with futures (internal/pool) over goroutines or worker processes; AsCompleted as an iterator",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "pool size, for both pools (the cookbook's max_workers=5)", 5, 1, 64)
			k.Int(&o.Items, "items", "count(x) for x = 0..items-1", 10, 1, 100)
			k.Int(&o.Loops, "loops", "times count(x) goes round its loop", Loops, 1, 1_000_000_000)
			modes.Knobs(k, &o.RunAs, &o.Repeat)
		},
		Check:   check,
		Explain: lesson,
		// The work first (the one kernel every way runs), then the pool
		// API, then the scenario that uses it.
		Lesson: []string{"demos/poolfutures/count.go", "internal/pool/pool.go", "internal/pool/future.go",
			"internal/pool/procs.go", "demos/poolfutures/poolfutures.go"},
		Run:  run,
		Quiz: quiz,
		Children: map[string]demos.ChildRole{
			roleCounter: counter,
		},
		Outcomes: outcomes(),
		Sweep:    sweep(),
	}.Demo()
}

func check(o *Options, _ *demos.Knobs) error {
	ways := int64(len(modes.Selected(o.RunAs)))
	if work := int64(o.Loops) * int64(o.Items) * int64(o.Repeat) * ways; work > maxWork {
		return fmt.Errorf("--loops %s × --items %d × --repeat %d × %d way(s) is %s loop rounds, more than the %s limit (a minute or two): "+
			"use fewer --loops, --items or --repeat, or one --run-as", ev.Int(o.Loops), o.Items, o.Repeat, ways, ev.Int(work), ev.Int(int64(maxWork)))
	}
	return nil
}

// task and reply travel to and from a worker process as JSON.
type task struct {
	X     int64 `json:"x"`
	Loops int64 `json:"loops"`
}

type reply struct {
	X     int64 `json:"x"`
	Value int64 `json:"value"`
	Pid   int   `json:"pid"` // the process that counted, in its own words
}

// counter is the body of a pool process: it counts until the parent
// closes its standard input.
func counter(ctx context.Context, self *proc.Self) error {
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var t task
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		v, ok := Count(t.Loops, t.X, func() bool { self.Beat(); return ctx.Err() == nil })
		if !ok {
			return nil, demos.Stopped(ctx)
		}
		return reply{X: t.X, Value: v, Pid: self.Pid}, nil
	})
}

// got is one result as it came back, and who computed it.
type got struct {
	x, value int64
	who      string
}

// job is one run's work.
type job struct {
	env     *demos.Env
	cpus    int // runtime.NumCPU(), or what a test says
	workers int
	items   int
	loops   int64
	repeat  int
}

func (j job) tasks() []task {
	ts := make([]task, j.items)
	for x := range ts {
		ts[x] = task{X: int64(x), Loops: j.loops}
	}
	return ts
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	j := job{env: env, cpus: runtime.NumCPU(), workers: o.Workers, items: o.Items, loops: int64(o.Loops), repeat: o.Repeat}
	env.Logf("main", ev.Note, "count(x) goes round a loop %s times and returns the counter × x, for x = 0..%d; %d CPU(s), pools of %d; %s",
		ev.Int(j.loops), j.items-1, j.cpus, j.workers, modes.RoundsNote(j.repeat))

	names := modes.Selected(o.RunAs)
	env.Flood(j.items*len(names), "one line per result")
	var (
		ways  []*way
		first []got
		order = map[string][]int{}
		pids  = []int{}
		wrong []string
	)
	stopped := func(err error) (ev.Result, error) {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	// Each way's first run, told as it happens.
	for i, name := range names {
		if i > 0 {
			if err := env.Sleep(ctx, beat); err != nil {
				return ev.Result{}, err
			}
		}
		var w *way
		switch name {
		case modes.Sequential:
			env.Phase("sequential: one loop calls count(x) for each x in turn")
			w = j.sequential()
		case modes.Goroutines:
			env.Phase(fmt.Sprintf("goroutine pool of %d: submit every x, collect the futures as they complete", j.workers))
			w = j.goroutinePool()
		case modes.Processes:
			if perr := proc.Supported(); perr != nil && o.RunAs == "all" {
				env.Logf("main", ev.Warn, "skipping the process pool: %v", perr)
				continue
			}
			env.Phase(fmt.Sprintf("process pool of %d: the same futures, the counting done in worker processes", j.workers))
			var err error
			if w, err = j.processPool(ctx); err != nil {
				return stopped(err)
			}
			defer w.close() // on every path; after the close below it finds nothing to do
			pids = w.pids
		}
		out, err := w.time(ctx, j.env, true)
		if err != nil {
			return stopped(err)
		}
		ways = append(ways, w)
		w.first = out
		for _, g := range out {
			order[name] = append(order[name], int(g.x))
		}
		if first == nil {
			first = out
		}
		wrong = append(wrong, j.checkResults(name, out)...)
	}
	// The other runs take turns, way after way, so that a burst of other
	// work on the machine slows every way alike instead of one of them.
	if j.repeat > 1 && len(ways) > 0 {
		env.Phase(fmt.Sprintf("%d more run(s) of each way, taking turns; each way's fastest run counts", j.repeat-1))
		for range j.repeat - 1 {
			for _, w := range ways {
				out, err := w.time(ctx, j.env, false)
				if err != nil {
					return stopped(err)
				}
				if !slices.Equal(byX(w.first), byX(out)) {
					wrong = append(wrong, fmt.Sprintf("%s: results %v, its first run %v", w.name, byX(out), byX(w.first)))
				}
			}
		}
		var texts []string
		for _, w := range ways {
			texts = append(texts, fmt.Sprintf("%s %s", w.name, ev.Dur(slices.Min(w.times))))
		}
		env.Logf("main", ev.Step, "fastest of %d runs: %s", j.repeat, strings.Join(texts, ", "))
	}
	var rep modes.Report
	for _, w := range ways {
		if err := w.close(); err != nil {
			return stopped(err)
		}
		rep = append(rep, modes.Run{Mode: w.name, Workers: w.workers, Startup: w.startup, Rounds: w.times})
	}

	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	env.Phase("submit returns a future at once; its Result waits for the value")
	squares, err := submitSquares(ctx, env)
	if err != nil {
		return stopped(err)
	}
	return conclude(j, rep, first, order, pids, squares, wrong), nil
}

// way is one way of doing the job: the sequential loop, or a pool.
type way struct {
	name    string
	workers int
	startup time.Duration // paid once, before the first run (starting processes)
	pids    []int
	// once does the whole job: every x, every result collected.
	once  func(ctx context.Context) ([]got, error)
	close func() error // lets the way's workers go; safe to call twice
	times []time.Duration
	first []got
}

// time does the job once and notes how long it took, from handing out
// the first x to the last result.
func (w *way) time(ctx context.Context, env *demos.Env, emit bool) ([]got, error) {
	begin := env.Now()
	out, err := w.once(ctx)
	if err != nil {
		return nil, err
	}
	w.times = append(w.times, env.Now()-begin)
	// The results are in; telling the class about them waits until the
	// clock has stopped, so the printing is not timed.
	if emit {
		for i, g := range out {
			env.Detail(g.who, ev.Recv, fmt.Sprintf("count(%d) = %s", g.x, ev.Int(g.value)),
				"mode", w.name, "x", g.x, "value", g.value, ev.AttrDone, i+1, ev.AttrTotal, len(out), ev.AttrProgress, w.name)
		}
	}
	return out, nil
}

func (j job) sequential() *way {
	return &way{name: modes.Sequential, workers: 1, close: func() error { return nil },
		once: func(ctx context.Context) ([]got, error) {
			var out []got
			for _, t := range j.tasks() {
				v, ok := Count(t.Loops, t.X, modes.KeepGoing(ctx, j.env))
				if !ok {
					return nil, demos.Stopped(ctx)
				}
				out = append(out, got{x: t.X, value: v, who: "main"})
			}
			return out, nil
		}}
}

// collect submits every x to p and gathers the results as their futures
// complete: Python's
//
//	futures = [executor.submit(evaluate_item, x) for x in number_list]
//	for future in concurrent.futures.as_completed(futures): ...
//
// The same code serves the goroutine pool and the process pool.
func (j job) collect(ctx context.Context, p *pool.Pool[task, reply]) ([]got, error) {
	var fs []*pool.Future[reply]
	for _, t := range j.tasks() {
		fs = append(fs, p.Submit(t)) // returns at once: the task waits for a free worker
	}
	var out []got
	for f := range pool.AsCompleted(fs) {
		r, err := f.Result(ctx) // completed already: does not wait
		if err != nil {
			return nil, err
		}
		out = append(out, got{x: r.X, value: r.Value, who: f.Worker()})
	}
	return out, nil
}

func (j job) goroutinePool() *way {
	count := func(ctx context.Context, t task) (reply, error) {
		v, ok := Count(t.Loops, t.X, modes.KeepGoing(ctx, j.env))
		if !ok {
			return reply{}, demos.Stopped(ctx)
		}
		return reply{X: t.X, Value: v}, nil
	}
	return &way{name: modes.Goroutines, workers: j.workers, close: func() error { return nil },
		once: func(ctx context.Context) ([]got, error) {
			// A fresh pool per run, as the cookbook's `with` block makes
			// one: starting goroutines costs microseconds, so it is timed
			// with the work.
			p := pool.New(ctx, j.workers, count)
			out, err := j.collect(ctx, p)
			p.Close()
			if jerr := p.Join(); err == nil {
				err = jerr
			}
			return out, err
		}}
}

// processPool starts the worker processes once, timing that on its own;
// every run then uses the same collect as the goroutine pool.
func (j job) processPool(ctx context.Context) (*way, error) {
	begin := j.env.Now()
	procs, err := j.env.NewPool(ctx, j.workers, roleCounter, "counter", nil)
	if err != nil {
		return nil, err
	}
	p := pool.OverProcesses[task, reply](ctx, procs)
	var closed bool
	shut := func() error {
		if closed {
			return nil
		}
		closed = true
		p.Close()
		err := p.Join()
		if err == nil {
			err = procs.Close()
		}
		procs.Kill() // on an error path; after Close it finds nothing left to kill
		return err
	}
	// A process is started once exec returns, but ready only once its Go
	// runtime is up and reading tasks: one empty task per worker (five at
	// once go to five different processes) belongs to the start-up, or
	// the first run would pay for it.
	if _, err := p.Map(ctx, make([]task, j.workers)); err != nil {
		p.Terminate()
		_ = shut()
		return nil, err
	}
	w := &way{name: modes.Processes, workers: j.workers, startup: j.env.Now() - begin, pids: procs.Pids(),
		once: func(ctx context.Context) ([]got, error) { return j.collect(ctx, p) }}
	w.close = func() error {
		if closed {
			return nil
		}
		err := shut()
		if err == nil {
			j.env.Logf("main", ev.Done, "closed the pool and joined it: its %d processes exited", j.workers)
		}
		return err
	}
	j.env.Log("main", ev.Start, fmt.Sprintf("started %d worker processes, all ready in %s; they stay up for every run", j.workers, ev.Dur(w.startup)),
		"pids", w.pids, "startup_ms", ev.Ms(w.startup))
	return w, nil
}

// byX is the values of gs in x order.
func byX(gs []got) []int64 {
	out := make([]int64, len(gs))
	for _, g := range gs {
		if int(g.x) < len(out) {
			out[g.x] = g.value
		}
	}
	return out
}

// checkResults says what is wrong with one way's results: each x once,
// and count(x) = loops × x.
func (j job) checkResults(mode string, out []got) []string {
	var wrong []string
	seen := make([]int, j.items)
	for _, g := range out {
		if g.x < 0 || int(g.x) >= j.items {
			wrong = append(wrong, fmt.Sprintf("%s returned a result for x = %d", mode, g.x))
			continue
		}
		seen[g.x]++
		if want := j.loops * g.x; g.value != want {
			wrong = append(wrong, fmt.Sprintf("%s: count(%d) = %s, want %s", mode, g.x, ev.Int(g.value), ev.Int(want)))
		}
	}
	for x, n := range seen {
		if n != 1 {
			wrong = append(wrong, fmt.Sprintf("%s returned count(%d) %d times", mode, x, n))
		}
	}
	return wrong
}

// submitSquares is the cookbook's smallest futures example: a pool of 2,
// submit square(5) and square(8), then ask each future for its result.
func submitSquares(ctx context.Context, env *demos.Env) ([]int, error) {
	square := func(ctx context.Context, x int) (int, error) { return x * x, nil }
	p := pool.New(ctx, 2, square)
	defer func() { p.Close(); _ = p.Join() }()
	f1, f2 := p.Submit(5), p.Submit(8) // both return at once
	env.Logf("main", ev.Send, "submitted square(5) and square(8): two futures, returned at once")
	r1, err := f1.Result(ctx) // waits, if the pool is not done yet
	if err != nil {
		return nil, err
	}
	r2, err := f2.Result(ctx)
	if err != nil {
		return nil, err
	}
	env.Log("main", ev.Recv, fmt.Sprintf("future 1: %d (computed by %s); future 2: %d (computed by %s)", r1, f1.Worker(), r2, f2.Worker()),
		"squares", []int{r1, r2})
	return []int{r1, r2}, nil
}

func conclude(j job, rep modes.Report, first []got, order map[string][]int, pids []int, squares []int, wrong []string) ev.Result {
	cpus := j.cpus
	m := Metrics{Workers: j.workers, CPUs: cpus, Items: j.items, Loops: j.loops, Repeat: j.repeat,
		Results: byX(first), Completion: order, Modes: rep.Metrics(cpus, j.items), Pids: pids, Squares: squares}
	res := ev.Result{Metrics: m, Tables: []ev.Table{rep.Table(cpus, j.items)}, Timing: rep.Timing()}
	if !slices.Equal(squares, []int{25, 64}) {
		wrong = append(wrong, fmt.Sprintf("the futures gave %v, not [25 64]", squares))
	}
	if len(wrong) > 0 {
		res.Verdict = "wrong results — " + strings.Join(wrong, "; ")
		res.Hint = "nothing: this is a bug, please report it with the command line above"
		return res
	}
	said := fmt.Sprintf("count(x) = %s × x for all %d x in every way", ev.Int(j.loops), j.items)
	if len(rep) > 1 {
		said += ", the pools' results taken in completion order"
	}
	said += "; the futures gave 25 and 64"
	text, shown := modes.Summary(rep.Judge(cpus, j.items))
	switch {
	case text == "":
		res.Verdict = said + "; no pool was compared with a sequential run"
		res.Hint = "--run-as all"
	case shown:
		res.Observed = true
		res.Verdict = said + "; " + text
	default:
		res.Verdict = said + "; " + text
		res.Hint = hint(modes.Worst(rep.Judge(cpus, j.items)), j)
	}
	return res
}

// hint names what would let the speed-up show.
func hint(st modes.Status, j job) string {
	switch {
	case st == modes.Serial && j.workers < 2:
		return "--workers 2 or more"
	case st == modes.Serial && j.cpus < 2:
		return "a machine with more than one CPU"
	case st == modes.Serial:
		return "--items 2 or more"
	}
	return fmt.Sprintf("--loops %s (longer runs time better), --repeat 5, or a quieter machine", ev.Int(j.loops*10))
}

// outcomes are the classes `pardemo verify` counts.
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
		{Name: "wrong results", Class: demos.Forbidden, Desc: "a count or a square came out wrong: a bug",
			When: func(o *Options, m Metrics) bool { return !resultsRight(o, m) }},
		{Name: "impossible speed-up", Class: demos.Acceptable, Desc: "a pool beat min(workers, CPUs): the timing was disturbed",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.Impossible) }},
		{Name: "no speed-up", Class: demos.Acceptable, Desc: "a pool gained less than half of what the CPUs allow (busy machine or short runs)",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.NoSpeedup) || judged(m, modes.Serial) }},
		{Name: "speed-up", Class: demos.Interesting, Desc: "every pool ran count(x) near min(workers, CPUs) times faster: the lesson",
			When: func(o *Options, m Metrics) bool { return judged(m, modes.Speedup) }},
		{Name: "not compared", Class: demos.Acceptable, Desc: "one way ran alone: no speed-up to judge",
			When: func(o *Options, m Metrics) bool { return true }},
	}
}

// resultsRight checks the results in the metrics alone: count(x) = loops
// × x, every x in every way, and the two squares.
func resultsRight(o *Options, m Metrics) bool {
	if len(m.Results) != m.Items || !slices.Equal(m.Squares, []int{25, 64}) {
		return false
	}
	for x, v := range m.Results {
		if v != m.Loops*int64(x) {
			return false
		}
	}
	for _, ord := range m.Completion {
		s := slices.Sorted(slices.Values(ord))
		for x := range s {
			if s[x] != x {
				return false
			}
		}
		if len(s) != m.Items {
			return false
		}
	}
	return true
}
