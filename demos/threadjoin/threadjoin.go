// Package threadjoin is scenario T2: where main joins its workers decides
// whether they run one after another or all at once.
package threadjoin

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The cookbook's numbers: every worker sleeps 2 story-seconds. In part C
// the worker works 4 and the join gives up after 1: the wide gap keeps
// the worker visibly alive even at a high --speed.
const (
	work     = 2.0
	slowWork = 4.0
	timeout  = 1.0
)

// Options are the scenario's knobs.
type Options struct {
	Workers int // workers, each sleeping 2 story-seconds
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers           int     `json:"workers"`             // workers in each of parts A and B
	SerialMs          float64 `json:"serial_ms"`           // part A: each worker joined right after its start
	ConcurrentMs      float64 `json:"concurrent_ms"`       // part B: all started, then all joined
	Ratio             float64 `json:"ratio"`               // serial_ms / concurrent_ms; about the number of workers
	TimeoutJoinMs     float64 `json:"timeout_join_ms"`     // part C: when join(timeout) returned
	AliveAfterTimeout bool    `json:"alive_after_timeout"` // part C: the worker was still alive when it did
	OnPace            bool    `json:"on_pace"`             // A took about N × 2 story-seconds and B about 2 (within a quarter, 2ms at least): the machine kept the pace
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "thread join", ID: "T2",
		Title:  "Where you join decides whether workers overlap",
		Python: "Thread.join() and Thread.join(timeout)",
		Go:     "wait on a done channel (or sync.WaitGroup); select with time.After for a timeout",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "workers, each sleeping 2 story-seconds (the cookbook used 50)", 10, 1, 50)
		},
		Explain:  lesson,
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

// thread is Python's Thread object in a few lines: a body, a start, and a
// done channel closed when the body returns. Joining is receiving from
// done; a closed channel answers every receiver at once, forever.
type thread struct {
	name string
	body func(ctx context.Context)
	done chan struct{}
}

func newThread(name string, body func(ctx context.Context)) *thread {
	return &thread{name: name, body: body, done: make(chan struct{})}
}

func (t *thread) start(ctx context.Context) {
	go func() {
		defer close(t.done)
		t.body(ctx)
	}()
}

// join waits until the body has returned. Bodies here end early when ctx
// ends, so join never outwaits a cancelled run, and every started worker
// is collected before the scenario returns.
func (t *thread) join() { <-t.done }

// joinTimeout is join(timeout=d): it returns after at most d, whether or
// not the body has finished, and reports whether it had.
func (t *thread) joinTimeout(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-t.done:
		return true
	case <-timer.C:
		return false
	}
}

// alive is is_alive(): done is not closed yet.
func (t *thread) alive() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// sleeper is every worker's body: 2 story-seconds of "work".
func sleeper(env *demos.Env, name string, seconds float64) func(ctx context.Context) {
	return func(ctx context.Context) {
		env.Logf(name, ev.Start, "sleeps %g story-seconds", seconds)
		if env.Sleep(ctx, seconds) == nil {
			env.Log(name, ev.Done, "done")
		}
	}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	n := o.Workers

	env.Phase(fmt.Sprintf("A: start a worker, join it, then start the next (%d workers)", n))
	begin := env.Now()
	for i := range n {
		t := newThread(fmt.Sprintf("A-%d", i+1), sleeper(env, fmt.Sprintf("A-%d", i+1), work))
		t.start(ctx)
		t.join() // joining here, before the next start, serialises the workers
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
	}
	serial := env.Now() - begin
	env.Log("main", ev.Step, fmt.Sprintf("all %d joined after %s (%.1f story-s)", n, ev.Dur(serial), story(env, serial)))

	env.Phase(fmt.Sprintf("B: start all %d workers, then join them all", n))
	begin = env.Now()
	ts := make([]*thread, n)
	for i := range ts {
		ts[i] = newThread(fmt.Sprintf("B-%d", i+1), sleeper(env, fmt.Sprintf("B-%d", i+1), work))
		ts[i].start(ctx)
	}
	for _, t := range ts {
		t.join()
	}
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	concurrent := env.Now() - begin
	env.Log("main", ev.Step, fmt.Sprintf("all %d joined after %s (%.1f story-s)", n, ev.Dur(concurrent), story(env, concurrent)))

	env.Phase(fmt.Sprintf("C: join with a timeout of %g story-second", timeout))
	slow := newThread("slow", sleeper(env, "slow", slowWork))
	begin = env.Now()
	slow.start(ctx)
	finished := slow.joinTimeout(env.Story(timeout))
	waited := env.Now() - begin
	stillAlive := slow.alive()
	env.Log("main", ev.Step, fmt.Sprintf("join(timeout=%g) returned after %s (%.1f story-s), finished=%v; is_alive() = %v",
		timeout, ev.Dur(waited), story(env, waited), finished, stillAlive), "alive", stillAlive)
	// Timing out did not stop the worker: join it for real, so it is collected.
	slow.join()
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	env.Log("main", ev.Step, fmt.Sprintf("join() returned after %s; is_alive() = %v", ev.Dur(env.Now()-begin), slow.alive()))
	return conclude(env.Speed, n, serial, concurrent, waited, stillAlive), nil
}

// story converts a measured duration back to story seconds.
func story(env *demos.Env, d time.Duration) float64 { return d.Seconds() * env.Speed }

func conclude(speed float64, n int, serial, concurrent, waited time.Duration, alive bool) ev.Result {
	story := func(d time.Duration) float64 { return d.Seconds() * speed }
	// Both forms claim a time: A takes N × 2 story-seconds, B about 2.
	paceA, paceB := demos.NewPace(speed, float64(n)*work, serial), demos.NewPace(speed, work, concurrent)
	ratio := 0.0
	if concurrent > 0 {
		ratio = float64(serial) / float64(concurrent)
	}
	res := ev.Result{
		Metrics: Metrics{Workers: n, SerialMs: ev.Ms(serial), ConcurrentMs: ev.Ms(concurrent),
			Ratio: math.Round(ratio*100) / 100, TimeoutJoinMs: ev.Ms(waited), AliveAfterTimeout: alive,
			OnPace: paceA.Kept() && paceB.Kept() && !paceA.Early() && !paceB.Early()},
		Timing: []ev.Timing{
			{Label: "A: join right after start", D: serial},
			{Label: "B: start all, then join all", D: concurrent},
			{Label: "C: join with timeout returned after", D: waited},
		},
	}
	res.Verdict = fmt.Sprintf("joining each worker right after starting it took %.1f story-s, starting all then joining took %.1f: %s× faster, for N = %d workers; join(timeout) returned with the worker still alive",
		story(serial), story(concurrent), ev.Float(ratio), n)
	switch {
	case !alive:
		res.Verdict = fmt.Sprintf("join(timeout=%g) returned after %s but the worker had already finished", timeout, ev.Dur(waited))
		res.Hint = "a lower --speed: at this speed the machine was too slow to catch the worker alive"
	case n == 1:
		res.Verdict = fmt.Sprintf("with one worker both orders are the same (%.1f vs %.1f story-s): there is nothing to overlap", story(serial), story(concurrent))
		res.Hint = "--workers 10"
	case paceA.Early() || paceB.Early():
		res.Verdict = fmt.Sprintf("A took %.1f story-s for %d × %g, B %.1f for %g: a sleep ended early, please report it", story(serial), n, work, story(concurrent), work)
	case !paceB.Kept():
		res.Verdict = fmt.Sprintf("start-all-then-join-all should take about %g story-s, whatever N: ", work) + paceB.Behind()
		res.Hint = demos.PaceHint
	case !paceA.Kept():
		res.Verdict = fmt.Sprintf("joining each at once should take %d × %g story-s: ", n, work) + paceA.Behind()
		res.Hint = demos.PaceHint
	default:
		res.Observed = true
	}
	return res
}
