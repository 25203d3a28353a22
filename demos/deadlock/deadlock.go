// Package deadlock is scenario S4: two workers take two locks in opposite
// order and wait for each other forever — unless something notices.
package deadlock

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// Story-second pacing: the pause between a worker's two locks (long enough
// for every worker to take its first lock before anyone takes a second),
// the work done holding both, and how long the detector watches a deadlock
// it found before ending it.
const (
	pause   = 1.0
	hold    = 0.5
	confirm = 10.0 // pacing (issue 13): long enough for a class to see that nobody moves
)

// The detectors (--detector).
const (
	byGraph    = "graph"
	byWatchdog = "watchdog"
	byNone     = "none"
)

// errBroken is how the detector ends the workers' waits.
var errBroken = errors.New("the deadlock detector ended the run")

// Options are the scenario's knobs.
type Options struct {
	Ordered  bool   // every worker takes its locks in one global order
	Workers  int    // workers in the ring, each needing two locks
	Detector string // who notices the deadlock: graph or watchdog
}

// Metrics are what the scenario measured.
type Metrics struct {
	DeadlockDetected bool `json:"deadlock_detected"` // a cycle of waits was seen and confirmed (nobody moved afterwards)
	// The cycle as names alternating worker, lock:
	// ["worker-1","lock-B","worker-2","lock-A"] means worker-1 waits for
	// lock-B, held by worker-2, which waits for lock-A, held by worker-1.
	// It starts at the lowest-named worker; [] without a deadlock.
	Cycle      []string `json:"cycle"`
	DetectedBy string   `json:"detected_by"` // graph (the wait-for graph, checked whenever a worker starts to wait), watchdog (the run's --watchdog, with --detector watchdog) or none
	Ordered    bool     `json:"ordered"`     // --ordered: every worker took its locks in one global order
	Completed  bool     `json:"completed"`   // every worker got both its locks and finished its work
	Workers    int      `json:"workers"`     // workers in the ring (--workers), each needing two locks
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "deadlock", ID: "S4",
		Title:  "Deadlock: two workers take two locks in opposite order and wait forever",
		Speed:  5, // pacing (issue 13): the default run takes 1–6 s (about 9 story-s; 10× was 0.9 s)
		Python: "threading.Lock (or Semaphore), acquired in opposite order", Go: "sync.Mutex has the same trap: lock ordering, or one owner goroutine",
		Explain: lesson,
		// The workers and their lock order first, then the locks that keep
		// the wait-for graph and find the cycle.
		Lesson: []string{"demos/deadlock/deadlock.go", "demos/deadlock/locks.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.Ordered, "ordered", "every worker takes the locks in one global order (lock-A first): no deadlock")
			k.Int(&o.Workers, "workers", "workers in a ring, each needing its own lock and its neighbour's", 2, 2, 8)
			k.Choice(&o.Detector, "detector", "who notices the deadlock: a wait-for graph at once, or the run's --watchdog after its timeout", byGraph, byGraph, byWatchdog)
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// worker is one worker's plan and what became of it.
type worker struct {
	name          string
	first, second string // the order it takes its two locks in
	completed     bool
}

func lockName(i int) string { return fmt.Sprintf("lock-%c", 'A'+i) }

// plan seats n workers in a ring: worker i needs lock i and lock i+1 (the
// last one needs the last lock and lock-A). Each takes its own lock first —
// unless ordered, when each takes the lock earlier in the alphabet first.
func plan(n int, ordered bool) []*worker {
	ws := make([]*worker, n)
	for i := range n {
		a, b := i, (i+1)%n
		if ordered && b < a {
			a, b = b, a
		}
		ws[i] = &worker{name: fmt.Sprintf("worker-%d", i+1), first: lockName(a), second: lockName(b)}
	}
	return ws
}

// outcome is what the run saw.
type outcome struct {
	detectedBy string        // byGraph, byWatchdog or byNone
	graph      state         // the wait-for graph when the deadlock was noticed
	found      time.Duration // when it was noticed
	ended      time.Duration // when every worker had returned
	idle       time.Duration // the watchdog's quiet time
	moved      bool          // somebody moved while the detector watched: no deadlock after all
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	ordered, detector := o.Ordered, o.Detector
	ws := plan(o.Workers, ordered)
	t := newTable(env, detector == byGraph)
	introduce(env, ws, ordered, detector)

	// If the watchdog fires, it asks for an explanation first, while the
	// workers are still stuck: keep the graph as it was then.
	var atStall atomic.Pointer[state]
	env.OnStall(func() string {
		s := t.snapshot()
		atStall.Store(&s)
		return s.explain()
	})

	// The workers run under their own context, so the detector can end
	// their waits without ending the run. Only this goroutine ends it, so
	// the report of what happened comes before the workers' last words.
	wctx, stop := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stop(nil)
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() { work(wctx, env, t, w) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	out := outcome{detectedBy: byNone}
	select {
	case <-done: // every worker finished: no deadlock
	case <-t.found:
		out.detectedBy, out.found, out.graph = byGraph, env.Now(), t.snapshot()
		out.graph.cycle = t.firstCycle()
		env.Log("detector", ev.Warn, "DEADLOCK: "+describe(out.graph.cycle), "cycle", out.graph.cycle)
		// A cycle of waits on locks nobody can take away means nobody on it
		// can ever move. Watch for a story-second to show it.
		env.Logf("detector", ev.Note, "a cycle in the wait-for graph: every worker on it waits for the next, so none can ever move. Watching %g story-second to be sure", confirm)
		if env.Sleep(ctx, confirm) != nil {
			stop(demos.Stopped(ctx))
			<-done
			return ev.Result{}, demos.Stopped(ctx)
		}
		out.moved = t.snapshot().moves != out.graph.moves
		if out.moved {
			env.Log("detector", ev.Warn, "somebody moved after all")
		} else {
			env.Logf("detector", ev.Step, "%g story-second later nobody has moved; ends the run by cancelling every wait", confirm)
		}
		stop(errBroken)
		<-done
	case <-ctx.Done():
		s, ok := demos.Stalled(ctx)
		if !ok { // Ctrl-C
			stop(demos.Stopped(ctx))
			<-done
			return ev.Result{}, demos.Stopped(ctx)
		}
		out.detectedBy, out.found, out.idle = byWatchdog, env.Now(), s.Idle
		if g := atStall.Load(); g != nil {
			out.graph = *g
		}
		env.Log("watchdog", ev.Warn, fmt.Sprintf("no progress for %s: %s", ev.Dur(s.Idle), s.Explain), "cycle", out.graph.cycle)
		stop(demos.Stopped(ctx)) // the workers give up their waits
		<-done
	}
	out.ended = env.Now()
	return conclude(ws, ordered, out), nil
}

func introduce(env *demos.Env, ws []*worker, ordered bool, detector string) {
	if len(ws) == 2 {
		env.Logf("main", ev.Note, "%s takes %s, then %s; %s takes %s, then %s. Each pauses %g story-second between its two locks",
			ws[0].name, ws[0].first, ws[0].second, ws[1].name, ws[1].first, ws[1].second, pause)
	} else {
		env.Logf("main", ev.Note, "%d workers sit in a ring; each needs two locks, its own and its neighbour's, and pauses %g story-second between taking them", len(ws), pause)
	}
	if ordered {
		env.Log("main", ev.Note, "--ordered: every worker takes the lock earlier in the alphabet first. With one global order, a worker only ever waits for a lock later than every lock it holds, so the waits cannot close into a cycle")
	}
	switch detector {
	case byGraph:
		env.Log("main", ev.Note, "the locks keep a wait-for graph (who holds each lock, which lock each worker waits for); when a worker starts to wait, the detector follows the graph looking for a cycle back to it")
	case byWatchdog:
		env.Log("main", ev.Note, "--detector watchdog: nothing looks at the graph. The run's watchdog ends it after --watchdog of real time (3s by default, whatever the --speed) without progress, and the locks explain who holds and waits for what")
	}
}

// work is one worker: take the first lock, pause, take the second, work,
// let go of both. Waits end if ctx does; whatever is held is let go.
func work(ctx context.Context, env *demos.Env, t *table, w *worker) {
	env.Logf(w.name, ev.Start, "needs %s and %s; takes %s first", w.first, w.second, w.first)
	if err := t.acquire(ctx, w.name, w.first); err != nil {
		env.Logf(w.name, ev.Release, "stops waiting for %s", w.first)
		return
	}
	env.Log(w.name, ev.Acquire, fmt.Sprintf("holds %s; pauses %g story-second before taking %s", w.first, pause, w.second), ev.AttrLock, w.first)
	if err := env.Sleep(ctx, pause); err != nil {
		t.release(w.first)
		return
	}
	if err := t.acquire(ctx, w.name, w.second); err != nil {
		env.Log(w.name, ev.Release, fmt.Sprintf("stops waiting for %s and lets go of %s", w.second, w.first), ev.AttrLock, w.first)
		t.release(w.first)
		return
	}
	env.Log(w.name, ev.Acquire, fmt.Sprintf("holds %s and %s: works %g story-second", w.first, w.second, hold), ev.AttrLock, w.second)
	err := env.Sleep(ctx, hold)
	if err == nil {
		w.completed = true
		env.Logf(w.name, ev.Done, "done: lets go of %s and %s", w.second, w.first)
	}
	t.release(w.second)
	t.release(w.first)
}

func conclude(ws []*worker, ordered bool, out outcome) ev.Result {
	completed := 0
	for _, w := range ws {
		if w.completed {
			completed++
		}
	}
	cycle := out.graph.cycle
	detected := cycle != nil && !out.moved
	if cycle == nil {
		cycle = []string{}
	}
	res := ev.Result{
		Metrics: Metrics{DeadlockDetected: detected, Cycle: cycle, DetectedBy: out.detectedBy,
			Ordered: ordered, Completed: completed == len(ws), Workers: len(ws)},
	}
	if out.detectedBy != byNone {
		tb := ev.Table{Title: "wait-for graph when the deadlock was noticed", Header: []string{"worker", "holds", "waits for", "held by"}}
		for _, w := range ws {
			held, wants := strings.Join(out.graph.held(w.name), ", "), out.graph.waiting[w.name]
			tb.Rows = append(tb.Rows, []string{w.name, orDash(held), orDash(wants), orDash(out.graph.holder[wants])})
		}
		res.Tables = append(res.Tables, tb)
		res.Timing = append(res.Timing, ev.Timing{Label: "noticed by the " + label(out.detectedBy), D: out.found},
			ev.Timing{Label: "run ended after that", D: out.ended - out.found})
	}

	order := "in opposite orders"
	if ordered {
		order = "in one global order"
	}
	res.Verdict = fmt.Sprintf("%d of %d workers finished, taking their locks %s", completed, len(ws), order)
	switch {
	case detected && ordered:
		res.Verdict = "deadlock despite the global lock order: " + describe(cycle) + " — that is a bug, please report it"
	case detected:
		res.Observed = true
		how := "the wait-for graph found the cycle the moment it closed, and the detector ended it"
		if out.detectedBy == byWatchdog {
			how = fmt.Sprintf("the watchdog noticed after %s without progress, and the run ended cleanly", ev.Dur(out.idle))
		}
		res.Verdict = "deadlock: " + describe(cycle) + "; " + how
	case out.moved:
		res.Verdict += ": the detector saw a cycle, but somebody moved after all — that is a bug, please report it"
	case out.detectedBy == byWatchdog:
		res.Verdict = "the watchdog stopped the run, but there was no cycle of waits: " + out.graph.explain()
		res.Hint = "running it again: this is not the deadlock the lesson is about"
	case ordered && completed == len(ws):
		res.Observed = true
		res.Verdict += ": the waits could not form a cycle, so every worker got both locks in turn"
	case ordered:
		res.Verdict += ", yet none deadlocked"
	default:
		res.Verdict += ": no deadlock this time — a worker took both its locks before its neighbour took its first"
		res.Hint = "a lower --speed: at this speed the pause between the two locks is too short for every worker to take its first"
	}
	return res
}

func label(detector string) string {
	if detector == byGraph {
		return "wait-for graph detector"
	}
	return detector
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
