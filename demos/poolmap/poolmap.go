// Package poolmap is scenario F3: a pool as big as the machine's CPUs is
// given one more task than it has workers, and the extra task waits for a
// free worker; then the pool's four ways of taking work — blocking apply,
// apply_async with a callback, map and map_async — each doing what its
// name promises, and every callback run by the submitter, not a worker.
package poolmap

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/pool"
)

//go:embed lesson.md
var lesson string

// The cookbook's story: each apply_async task sleeps a random 0–3
// seconds; the apply and map tasks sleep 2 and 1 seconds.
const (
	maxNap   = 3.0
	applyNap = 2.0
	mapNap   = 1.0
	beat     = 5.0 // the story pause between the two parts
)

// Options are the scenario's knobs.
type Options struct {
	Workers int // pool size; 0 means one per CPU, as Python's Pool() does
	Items   int // apply_async tasks; 0 means one more than the workers
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers int `json:"workers"` // pool size: --workers, or the number of CPUs when 0 (Python's Pool() default)
	CPUs    int `json:"cpus"`    // CPUs this machine offers (runtime.NumCPU)
	Items   int `json:"items"`   // apply_async tasks submitted at once (--items; by default one more than workers)
	// Tasks has one entry per apply_async task, in submission order, with
	// its times in story seconds since the run began.
	Tasks []Task `json:"tasks"`
	// PeakRunning is the most apply_async tasks that ran at the same time:
	// never more than workers.
	PeakRunning int `json:"peak_running"`
	// Waited is how many apply_async tasks started only after another had
	// finished, for want of a free worker (the lesson: at least one when
	// items > workers).
	Waited int `json:"waited"`
	// FirstFinishS is when the first apply_async task finished (story s).
	FirstFinishS float64 `json:"first_finish_s"`
	// SubmitterGoroutine is the goroutine that submitted the tasks and ran
	// the callbacks (read from its stack header: for teaching only).
	SubmitterGoroutine int64 `json:"submitter_goroutine"`
	// CallbacksInSubmitter counts the callbacks (apply_async and map_async)
	// that ran in the submitter's goroutine; CallbacksInWorker those that
	// ran in a worker's (never, the lesson).
	CallbacksInSubmitter int `json:"callbacks_in_submitter"`
	CallbacksInWorker    int `json:"callbacks_in_worker"` // callbacks that ran in a worker's goroutine: 0
	// ApplyBlockedS is how long the blocking apply call took (story s): at
	// least its task's 2-second nap. ApplyValue is what it returned.
	ApplyBlockedS float64 `json:"apply_blocked_s"`
	ApplyValue    int     `json:"apply_value"` // apply(square, 7): 49
	// Map is map's results, in input order (x² for x = 0..items-1);
	// MapCompletion the inputs in the order their tasks finished.
	Map           []int `json:"map"`
	MapCompletion []int `json:"map_completion"` // map's inputs in the order their tasks finished
	// MapAsyncReturnS is how long map_async took to return (story s): at
	// once, long before its MapAsyncDoneS.
	MapAsyncReturnS float64 `json:"map_async_return_s"`
	MapAsyncDoneS   float64 `json:"map_async_done_s"` // when map_async's callback got the whole list, story s after the call
	MapAsync        []int   `json:"map_async"`        // the list map_async's callback got, in input order
}

// Task is one apply_async task as it ran.
type Task struct {
	N         int     `json:"n"`         // its number, in submission order
	NapS      float64 `json:"nap_s"`     // the random nap it was given, story s (0–3)
	StartS    float64 `json:"start_s"`   // when a worker started it
	EndS      float64 `json:"end_s"`     // when it finished
	Worker    string  `json:"worker"`    // the pool worker that ran it
	Goroutine int64   `json:"goroutine"` // that worker's goroutine
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "pool map", ID: "F3",
		Title:  "A pool of one worker per CPU: the extra task waits; apply, apply_async, map, map_async",
		Python: "multiprocessing.Pool: apply, apply_async(callback=), map, map_async, close, join",
		Go:     "a pool with futures (internal/pool): Apply, Submit with a callback, Map, MapAsync, Close, Join",
		Knobs: func(k *demos.Knobs, o *Options) {
			// 0 rather than runtime.NumCPU() as the default keeps the help
			// text and the generated docs the same on every machine.
			k.Int(&o.Workers, "workers", "pool size; 0 means one per CPU, as Python's Pool() does", 0, 0, 64)
			k.Int(&o.Items, "items", "apply_async tasks; 0 means one more than the workers", 0, 0, 65)
		},
		Explain: lesson,
		Lesson:  []string{"demos/poolmap/poolmap.go", "internal/pool/pool.go", "internal/pool/future.go"},
		Run:     run,
		Quiz:    quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "broken promise", Class: demos.Forbidden,
				Desc: "more tasks ran than workers, a callback ran in a worker, or a result came out wrong or out of order",
				When: func(o *Options, m Metrics) bool { return len(broken(m)) > 0 }},
			{Name: "extra task waited", Class: demos.Interesting, Desc: "a task found every worker busy and waited for the first to finish",
				When: func(o *Options, m Metrics) bool { return m.Waited > 0 }},
			{Name: "nobody waited", Class: demos.Acceptable, Desc: "no more tasks than workers: each had a worker at once (the lesson did not show)",
				When: func(o *Options, m Metrics) bool { return m.Waited == 0 }},
		},
	}.Demo()
}

// goroutineID reads the calling goroutine's number from the first line of
// its stack trace ("goroutine 18 [running]:"). Go hides goroutine ids on
// purpose — a program should never depend on one — so this is for showing
// the class who ran a callback, nothing else.
func goroutineID() int64 {
	var buf [64]byte
	line := string(buf[:runtime.Stack(buf[:], false)])
	line = strings.TrimPrefix(line, "goroutine ")
	id, _, _ := strings.Cut(line, " ")
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// job is one task's input: its number and its nap.
type job struct {
	N      int
	Nap    float64       // story seconds
	Queued time.Duration // when it was submitted, on the scenario's clock
}

// done is what a task reports back.
type done struct {
	N          int
	Square     int
	Start, End time.Duration // on the scenario's clock
	Worker     string
	Goroutine  int64
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	workers := o.Workers
	if workers == 0 {
		workers = min(runtime.NumCPU(), 64)
	}
	items := o.Items
	if items == 0 {
		items = workers + 1
	}
	me := goroutineID()
	m := Metrics{Workers: workers, CPUs: runtime.NumCPU(), Items: items, SubmitterGoroutine: me}

	// The task every part uses: nap, then return n². It notes when it
	// started and ended, and which worker — and goroutine — ran it.
	task := func(ctx context.Context, j job) (done, error) {
		d := done{N: j.N, Square: j.N * j.N, Start: env.Now(), Worker: pool.WorkerOf(ctx), Goroutine: goroutineID()}
		msg := fmt.Sprintf("task %d starts in goroutine %d: a nap of %.1f story-s", j.N, d.Goroutine, j.Nap)
		if waited := story(env, d.Start-j.Queued); waited >= 0.05 {
			msg = fmt.Sprintf("task %d starts in goroutine %d after %.2f story-s in the queue: no worker was free", j.N, d.Goroutine, waited)
		}
		env.Detail(d.Worker, ev.Start, msg, "task", j.N, "goroutine", d.Goroutine)
		if err := env.Sleep(ctx, j.Nap); err != nil {
			return done{}, err
		}
		d.End = env.Now()
		env.Detail(d.Worker, ev.Done, fmt.Sprintf("task %d done", j.N), "task", j.N)
		return d, nil
	}

	env.Logf("main", ev.Note, "this machine has %d CPU(s); the pool has %d worker(s), and gets %d task(s) at once", m.CPUs, workers, items)
	env.Logf("main", ev.Note, "the submitter is goroutine %d: every callback should run here, not in a worker", me)
	env.Flood(3*items, "a start, an end and a callback line per task")

	// Part 1: apply_async, one more task than workers, each with a
	// callback. Submit returns at once; the callbacks run here, in Join.
	env.Phase(fmt.Sprintf("apply_async: %d tasks, each napping 0–3 story-s, on %d workers; a callback for each", items, workers))
	p := pool.New(ctx, workers, task)
	naps := make([]float64, items)
	for i := range naps {
		naps[i] = float64(int(env.Rand.Float64()*maxNap*10)) / 10 // drawn here, in order: a run replays with its seed
	}
	var finished []done
	for i, nap := range naps {
		p.Submit(job{N: i, Nap: nap, Queued: env.Now()}, func(d done, err error) {
			if err != nil {
				return // the run is ending: the error comes out of Join
			}
			g := goroutineID()
			count(&m, g == me)
			finished = append(finished, d) // no lock: one goroutine runs the callbacks
			env.Detail("main", ev.Recv, fmt.Sprintf("callback: task %d returned %d (ran on %s) — this callback runs in goroutine %d", d.N, d.Square, d.Worker, g),
				"task", d.N, "goroutine", g)
		})
	}
	env.Logf("main", ev.Send, "submitted %d tasks: apply_async returned at once each time; now close and join", items)
	p.Close() // no more tasks
	if err := p.Join(); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	describeWait(env, &m, finished, workers)
	if err := env.Sleep(ctx, beat); err != nil { // a pause, so a class can read part 1
		return ev.Result{}, err
	}

	// Part 2: the blocking and the mapping calls, on a fresh pool.
	env.Phase("apply blocks until its result is in; map returns the results in input order; map_async returns at once")
	p = pool.New(ctx, workers, task)
	defer func() { p.Close(); _ = p.Join() }()
	begin := env.Now()
	d, err := p.Apply(ctx, job{N: 7, Nap: applyNap, Queued: begin})
	if err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	m.ApplyBlockedS, m.ApplyValue = story(env, env.Now()-begin), d.Square
	env.Logf("main", ev.Recv, "apply(square, 7) blocked for %.2f story-s (its task naps %.0f) and returned %d", m.ApplyBlockedS, applyNap, d.Square)

	jobs := make([]job, items)
	for i := range jobs {
		jobs[i] = job{N: i, Nap: mapNap, Queued: env.Now()}
	}
	ds, err := p.Map(ctx, jobs)
	if err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	for _, d := range ds {
		m.Map = append(m.Map, d.Square)
	}
	byEnd := slices.Clone(ds)
	slices.SortStableFunc(byEnd, func(a, b done) int { return int(a.End - b.End) })
	for _, d := range byEnd {
		m.MapCompletion = append(m.MapCompletion, d.N)
	}
	env.Logf("main", ev.Recv, "map: %v — in input order, though the tasks finished in the order %v", m.Map, m.MapCompletion)

	begin = env.Now()
	var got []int
	f := p.MapAsync(jobs, func(ds []done, err error) {
		if err != nil {
			return
		}
		g := goroutineID()
		count(&m, g == me)
		for _, d := range ds {
			got = append(got, d.Square)
		}
		m.MapAsyncDoneS = story(env, env.Now()-begin)
		env.Log("main", ev.Recv, fmt.Sprintf("map_async's callback: %v, %.2f story-s after the call — in goroutine %d", got, m.MapAsyncDoneS, g),
			"goroutine", g)
	})
	m.MapAsyncReturnS = story(env, env.Now()-begin)
	env.Logf("main", ev.Send, "map_async returned after %.3f story-s, before any result: the submitter is free until it joins", m.MapAsyncReturnS)
	p.Close()
	if err := p.Join(); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if _, err := f.Result(ctx); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	m.MapAsync = got
	return conclude(m), nil
}

// count tallies a callback by the goroutine that ran it.
func count(m *Metrics, inSubmitter bool) {
	if inSubmitter {
		m.CallbacksInSubmitter++
	} else {
		m.CallbacksInWorker++
	}
}

func story(env *demos.Env, d time.Duration) float64 { return d.Seconds() * env.Speed }

// describeWait measures part 1: how many tasks ran at once at most, and
// which had to wait for another to finish before a worker took them.
func describeWait(env *demos.Env, m *Metrics, finished []done, workers int) {
	slices.SortFunc(finished, func(a, b done) int { return a.N - b.N })
	first := time.Duration(-1)
	for _, d := range finished {
		if first < 0 || d.End < first {
			first = d.End
		}
	}
	m.FirstFinishS = story(env, first)
	for _, d := range finished {
		m.Tasks = append(m.Tasks, Task{N: d.N, NapS: story(env, d.End-d.Start), StartS: story(env, d.Start), EndS: story(env, d.End),
			Worker: d.Worker, Goroutine: d.Goroutine})
		running := 0
		for _, e := range finished {
			if e.Start <= d.Start && e.End > d.Start {
				running++
			}
		}
		m.PeakRunning = max(m.PeakRunning, running)
		// Waiting for a free worker: submitted when every worker already
		// had a task (all are submitted at once, in order), and started
		// only after one finished. A task that merely started late, with
		// workers to spare, did not wait for one (found on a loaded
		// machine: 2 tasks on 4 workers, one started after the other's
		// 0.05 story-s nap, and was counted).
		if d.N >= workers && d.Start >= first && first >= 0 {
			m.Waited++
		}
	}
	env.Logf("main", ev.Note, "at most %d task(s) ran at once on %d worker(s); %d started only after the first finish (%.2f story-s)",
		m.PeakRunning, workers, m.Waited, m.FirstFinishS)
}

// broken lists the pool's promises the run broke (none, unless there is a
// bug): no more tasks at once than workers; callbacks in the submitter;
// apply blocks; map's and map_async's results in input order.
func broken(m Metrics) []string {
	var out []string
	if m.PeakRunning > m.Workers {
		out = append(out, fmt.Sprintf("%d tasks ran at once on %d workers", m.PeakRunning, m.Workers))
	}
	if m.CallbacksInWorker > 0 {
		out = append(out, fmt.Sprintf("%d callback(s) ran outside the submitter's goroutine", m.CallbacksInWorker))
	}
	if want := m.Items + 1; m.CallbacksInSubmitter != want {
		out = append(out, fmt.Sprintf("%d callbacks ran in the submitter, want %d", m.CallbacksInSubmitter, want))
	}
	if m.ApplyValue != 49 || m.ApplyBlockedS < applyNap*0.99 {
		out = append(out, fmt.Sprintf("apply returned %d after %.2f story-s, want 49 after at least %.0f", m.ApplyValue, m.ApplyBlockedS, applyNap))
	}
	squares := make([]int, m.Items)
	for i := range squares {
		squares[i] = i * i
	}
	if !slices.Equal(m.Map, squares) {
		out = append(out, fmt.Sprintf("map gave %v, want %v", m.Map, squares))
	}
	if !slices.Equal(m.MapAsync, squares) {
		out = append(out, fmt.Sprintf("map_async gave %v, want %v", m.MapAsync, squares))
	}
	if m.MapAsyncReturnS >= m.MapAsyncDoneS {
		out = append(out, fmt.Sprintf("map_async returned after %.2f story-s, not before its results (%.2f)", m.MapAsyncReturnS, m.MapAsyncDoneS))
	}
	return out
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	tb := ev.Table{Title: "apply_async tasks", Header: []string{"task", "nap", "start", "end", "worker"}}
	for _, t := range m.Tasks {
		tb.Rows = append(tb.Rows, []string{fmt.Sprint(t.N), fmt.Sprintf("%.1fs", t.NapS), fmt.Sprintf("%.2fs", t.StartS), fmt.Sprintf("%.2fs", t.EndS), t.Worker})
	}
	if len(tb.Rows) <= 16 {
		res.Tables = []ev.Table{tb}
	}
	if bad := broken(m); len(bad) > 0 {
		res.Verdict = "the pool broke its promises — " + strings.Join(bad, "; ")
		res.Hint = "nothing: this is a bug, please report it with the command line above"
		return res
	}
	promises := fmt.Sprintf("all %d callbacks ran in the submitter (goroutine %d), none in a worker; apply blocked %.1f story-s for 49; "+
		"map and map_async gave %d squares in input order, map_async returning at once",
		m.CallbacksInSubmitter, m.SubmitterGoroutine, m.ApplyBlockedS, m.Items)
	if m.Waited == 0 {
		res.Verdict = fmt.Sprintf("%d task(s) on %d worker(s): each had a worker at once, so none waited; %s", m.Items, m.Workers, promises)
		res.Hint = fmt.Sprintf("--items %d (one more than the workers)", m.Workers+1)
		return res
	}
	res.Observed = true
	res.Verdict = fmt.Sprintf("%d task(s) on %d worker(s): at most %d ran at once and %d waited for a free worker (started at or after the first finish, %.2f story-s); %s",
		m.Items, m.Workers, m.PeakRunning, m.Waited, m.FirstFinishS, promises)
	return res
}
