// Package queue is scenario Q1: FIFO, LIFO and priority queues, the order
// their items come out in, their "full" and "empty" errors, and the
// task_done/join handshake.
package queue

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// Story-second timings and the range of priorities.
const (
	putTimeout = 1.0 // how long the put on the full queue may wait for room
	workTime   = 1.0 // how long the worker spends on each job
	lowestPrio = 3   // priorities are 1..lowestPrio; 1 comes out first, as in Python
)

// Options are the scenario's knobs.
type Options struct {
	Kind    string // which queue: fifo, lifo or priority
	Maxsize int    // the queue's bound; it is filled to the brim
}

// Metrics are what the scenario measured.
type Metrics struct {
	Kind     string   `json:"kind"`      // fifo, lifo or priority (--kind)
	Maxsize  int      `json:"maxsize"`   // the queue's bound (--maxsize); the queue is filled with this many jobs
	PutOrder []string `json:"put_order"` // job names in the order they were put: ["job-1","job-2","job-3"]
	Order    []string `json:"order"`     // job names in the order the worker's Get returned them; the verdict checks it against the kind's rule
	// Priorities is each job's random priority, lower first: {"job-1":2, …}
	// (only the priority kind uses it).
	Priorities map[string]int `json:"priorities"`
	FullError  string         `json:"full_error"`   // the error of the put with a timeout on the full queue: "queue is full"
	EmptyError string         `json:"empty_error"`  // the error of the non-blocking get on the empty queue: "queue is empty"
	Joined     bool           `json:"joined"`       // join returned, with every job marked done by then
	DoneAtJoin int            `json:"done_at_join"` // task_done calls that had happened when join returned (equals maxsize)
	JoinWaitMs float64        `json:"join_wait_ms"` // how long join waited
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "queue", ID: "Q1",
		Speed:  2, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "FIFO, LIFO and priority queues: the order items come out, full and empty, task_done and join",
		Python: "queue.Queue, queue.LifoQueue, queue.PriorityQueue",
		Go:     "isync.NewQueue, NewLIFOQueue, NewPriorityQueueFunc; a buffered channel, a slice, container/heap",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Choice(&o.Kind, "kind", "which queue to use", "fifo", "fifo", "lifo", "priority")
			k.Int(&o.Maxsize, "maxsize", "how many jobs the queue holds; it is filled to the brim", 3, 1, 10)
		},
		Explain: lesson,
		// The one blocking queue, the store seam that orders it, the two
		// other orders, then the scenario that puts all three side by side.
		Lesson: []string{"internal/sync/queue.go", "internal/sync/store.go", "internal/sync/lifo.go",
			"internal/sync/priority.go", "demos/queue/queue.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

// job is what goes on the queue: a name that records the order it was put
// in, and a priority that only the priority queue looks at.
type job struct {
	name string
	prio int
}

func (j job) String() string { return fmt.Sprintf("%s (priority %d)", j.name, j.prio) }

// newQueue picks the queue. All three are the same isync.Queue type with
// the same Put, Get, TaskDone and Join; only the order of Get differs.
func newQueue(kind string, maxsize int) *isync.Queue[job] {
	switch kind {
	case "lifo":
		return isync.NewLIFOQueue[job](maxsize)
	case "priority":
		// Lower number first. Equal priorities keep their put order.
		return isync.NewPriorityQueueFunc(maxsize, func(a, b job) bool { return a.prio < b.prio })
	}
	return isync.NewQueue[job](maxsize)
}

// rule is the order each kind promises, worked out from the put order
// without any queue, so the verdict can check the queue against it.
func rule(kind string, put []job) []job {
	want := slices.Clone(put)
	switch kind {
	case "lifo":
		slices.Reverse(want)
	case "priority":
		slices.SortStableFunc(want, func(a, b job) int { return a.prio - b.prio })
	}
	return want
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	kind, maxsize := o.Kind, o.Maxsize
	q := newQueue(kind, maxsize)
	jobs := makeJobs(env, maxsize)

	env.Phase("fill the queue")
	for _, j := range jobs {
		if err := q.Put(ctx, j); err != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		env.Log("main", ev.Send, fmt.Sprintf("put %s: %d of %d", j, q.Len(), q.Cap()),
			"job", j.name, "priority", j.prio, "depth", q.Len())
	}

	env.Phase("put on the full queue, with a timeout")
	extra := job{name: fmt.Sprintf("job-%d", maxsize+1), prio: 1}
	env.Logf("main", ev.Wait, "put %s with a %g story-second timeout: no room, so it waits", extra, putTimeout)
	start := env.Now()
	fullErr := putWithin(ctx, env, q, extra, putTimeout)
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if fullErr != nil {
		env.Log("main", ev.Warn, fmt.Sprintf("put gave up after %s: %v", ev.Dur(env.Now()-start), fullErr), "error", fullErr.Error())
	} else {
		env.Log("main", ev.Warn, "put succeeded on a queue that should have been full")
	}

	env.Phase("a worker takes the jobs; main joins")
	env.Log("main", ev.Wait, "starts a worker, then join: waits until every job is marked done, not just taken")
	w := &worker{}
	workCtx, stopWorker := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopWorker(); wg.Wait() }() // on every path, the worker ends with the run
	// Like the cookbook's daemon thread, the worker loops until told to
	// stop; main stops it at the end.
	wg.Go(func() { w.work(workCtx, env, q) })
	joinStart := env.Now()
	if err := q.Join(ctx); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	joinedAt := env.Now()
	doneAtJoin := int(w.done.Load()) // read at once: nothing can be done later than join
	env.Log("main", ev.Done, fmt.Sprintf("join returned after %s, with %d of %d jobs marked done", ev.Dur(joinedAt-joinStart), doneAtJoin, len(jobs)),
		"done", doneAtJoin)

	env.Phase("get from the empty queue, without waiting")
	_, emptyErr := q.TryGet()
	if emptyErr != nil {
		env.Log("main", ev.Warn, "get_nowait: "+emptyErr.Error(), "error", emptyErr.Error())
	} else {
		env.Log("main", ev.Warn, "get_nowait found a job in a queue that should have been empty")
	}
	stopWorker()
	wg.Wait() // the worker's record is complete before conclude reads it

	return conclude(kind, jobs, w, fullErr, emptyErr, doneAtJoin, joinedAt-joinStart, joinedAt), nil
}

// makeJobs draws a random priority for each job. If the priorities happen
// to be in put order already, a priority queue would look just like a FIFO,
// so they are drawn again (from the same seed, so a run still replays).
// Every kind gets the same jobs for the same --seed, to compare them.
func makeJobs(env *demos.Env, n int) []job {
	jobs := make([]job, n)
	for range 100 {
		for i := range jobs {
			jobs[i] = job{name: fmt.Sprintf("job-%d", i+1), prio: 1 + env.Rand.IntN(lowestPrio)}
		}
		if n < 2 || !slices.IsSortedFunc(jobs, func(a, b job) int { return a.prio - b.prio }) {
			break
		}
	}
	return jobs
}

// putWithin is Python's q.put(job, timeout=...): wait at most the timeout
// for room, else fail with ErrFull. isync's PutTimeout does the same;
// spelling it with a context deadline lets Ctrl-C cut the wait short too.
func putWithin(ctx context.Context, env *demos.Env, q *isync.Queue[job], j job, seconds float64) error {
	deadline, cancel := context.WithTimeout(ctx, env.Story(seconds))
	defer cancel()
	switch err := q.Put(deadline, j); {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return demos.Stopped(ctx)
	default:
		return isync.ErrFull // the deadline passed and there was still no room
	}
}

// worker takes jobs off the queue, works on each, and marks it done.
type worker struct {
	order    []job         // jobs in the order Get returned them
	done     atomic.Int64  // TaskDone calls so far
	lastDone time.Duration // when the last TaskDone was called
}

func (w *worker) work(ctx context.Context, env *demos.Env, q *isync.Queue[job]) {
	env.Log("worker", ev.Start, "waits for jobs")
	for {
		j, err := q.Get(ctx)
		if err != nil {
			env.Logf("worker", ev.Done, "stops after %d jobs", len(w.order))
			return
		}
		w.order = append(w.order, j)
		env.Log("worker", ev.Recv, fmt.Sprintf("took %s: %d left in the queue", j, q.Len()), "job", j.name, "priority", j.prio)
		// A job that was taken is finished even if we are told to stop
		// meanwhile: an unmarked job would keep join waiting forever.
		_ = env.Sleep(ctx, workTime)
		// Say so before TaskDone: once the last one is in, join returns.
		env.Log("worker", ev.Step, fmt.Sprintf("finished %s: task_done", j.name))
		w.lastDone = env.Now()
		w.done.Add(1)
		if err := q.TaskDone(); err != nil {
			env.Log("worker", ev.Warn, err.Error())
		}
	}
}

// list is "job-3, job-1, job-2".
func list(js []job) string {
	names := make([]string, len(js))
	for i, j := range js {
		names[i] = j.name
	}
	return strings.Join(names, ", ")
}

var ruleText = map[string]string{
	"fifo":     "first in, first out: the put order",
	"lifo":     "last in, first out: the put order reversed",
	"priority": "lowest priority number first, ties in put order",
}

func conclude(kind string, put []job, w *worker, fullErr, emptyErr error, doneAtJoin int, joinWait, joinedAt time.Duration) ev.Result {
	names := func(js []job) []string {
		out := make([]string, len(js))
		for i, j := range js {
			out[i] = j.name
		}
		return out
	}
	want := rule(kind, put)
	prios := map[string]int{}
	tb := ev.Table{Title: "order", Header: []string{"#", "put", "came out", kind + " rule"}}
	for i, j := range put {
		prios[j.name] = j.prio
		got := "—"
		if i < len(w.order) {
			got = w.order[i].String()
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprint(i + 1), j.String(), got, want[i].String()})
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	joined := doneAtJoin == len(put) && joinedAt >= w.lastDone
	res := ev.Result{
		Metrics: Metrics{Kind: kind, Maxsize: len(put), PutOrder: names(put), Order: names(w.order),
			Priorities: prios, FullError: errText(fullErr), EmptyError: errText(emptyErr),
			Joined: joined, DoneAtJoin: doneAtJoin, JoinWaitMs: ev.Ms(joinWait)},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{{Label: "join waited", D: joinWait}},
	}

	orderOK := slices.Equal(w.order, want)
	errorsOK := errors.Is(fullErr, isync.ErrFull) && errors.Is(emptyErr, isync.ErrEmpty)
	if !orderOK || !errorsOK || !joined {
		res.Verdict = fmt.Sprintf("%s: jobs came out %s, the rule says %s; full put: %q, empty get: %q; join returned with %d of %d done — that is a bug, please report it",
			kind, list(w.order), list(want), errText(fullErr), errText(emptyErr), doneAtJoin, len(put))
		return res
	}
	res.Verdict = fmt.Sprintf("%s: jobs came out %s (%s); put on full → %q, get_nowait on empty → %q; join returned after all %d task_done calls",
		kind, list(w.order), ruleText[kind], errText(fullErr), errText(emptyErr), doneAtJoin)
	if len(put) < 2 {
		// With one job every kind gives the same order: nothing to see.
		res.Verdict += "; with a single job, though, every kind gives the same order"
		res.Hint = "--maxsize 3: a single job cannot show the order of a " + kind + " queue"
		return res
	}
	res.Observed = true
	return res
}
