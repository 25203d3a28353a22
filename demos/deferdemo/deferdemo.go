// Package deferdemo is scenario S8: acquiring and releasing every
// primitive with defer — Go's answer to Python's with statement — including
// a panic in the middle of the critical section.
package deferdemo

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// workTime is how long a critical section works, in story seconds.
const workTime = 0.5

// Options are the scenario's knobs.
type Options struct {
	NoDefer bool // release by hand on each block's last line instead of with defer
}

// Metrics are what the scenario measured.
type Metrics struct {
	UseDefer        bool            `json:"use_defer"`        // false with --no-defer (blocks release by hand on their last line)
	Primitives      int             `json:"primitives"`       // primitives exercised: 4
	PanicsRecovered int             `json:"panics_recovered"` // faulty blocks that panicked in their critical section and were recovered: 4
	Released        map[string]bool `json:"released"`         // for each primitive ("mutex", "re-entrant lock", "condition", "semaphore"), whether it was free after the panic
	LeftHeld        int             `json:"left_held"`        // primitives still held after the panic (0 with defer, 4 with --no-defer)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "defer", ID: "S8",
		Speed:  2, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "defer releases what you acquired, even when the critical section panics",
		Python: "with lock: (a context manager)", Go: "Lock(); defer Unlock()",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.NoDefer, "no-defer", "release by hand at the end of each block instead of with defer, to see what a panic leaks")
		},
		Explain:  lesson,
		Lesson:   []string{"demos/deferdemo/deferdemo.go", "internal/sync/rlock.go", "internal/sync/semaphore.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// primitive is one thing to acquire and release, and how to check
// afterwards, from outside, that nobody holds it any more.
type primitive struct {
	name           string // metric key
	what           string // what is held, in a sentence
	phase, noDefer string // the idiom, and its --no-defer form
	// steady runs a block that ends normally; faulty one that panics.
	steady, faulty func(ctx context.Context, env *demos.Env, who string, useDefer bool)
	background     bool        // steady waits for faulty, so both run at once
	free           func() bool // probes without keeping anything
	cleanUp        func()      // releases by hand what a leaking block kept
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	useDefer := !o.NoDefer
	if useDefer {
		env.Log("main", ev.Note, "each block acquires, then defers the release: it runs when the block returns, however it returns")
	} else {
		env.Log("main", ev.Note, "--no-defer: each block releases by hand on its last line, which a panic never reaches")
	}
	released := map[string]bool{}
	var names []string
	panics, leftHeld := 0, 0
	for _, p := range primitives() {
		if useDefer {
			env.Phase(p.phase)
		} else {
			env.Phase(p.noDefer)
		}
		// Each block runs in its own goroutine, like the cookbook's threads;
		// a panic is recovered there so the demo can go on. The steady
		// block goes first; the faulty one starts when it is done, or, for
		// a steady block that waits in the background, a little later.
		steadyDone := inGoroutine(env, "steady", func() { p.steady(ctx, env, "steady", useDefer) })
		steadyBack := false
		if p.background {
			_ = env.Sleep(ctx, workTime)
		} else {
			<-steadyDone
			steadyBack = true
		}
		if <-inGoroutine(env, "faulty", func() { p.faulty(ctx, env, "faulty", useDefer) }) {
			panics++
		}
		if !steadyBack {
			if useDefer {
				// Nothing leaked, so the steady block comes back: wait for
				// it, because while it still holds the primitive the probe
				// below would call that a leak (and release what it holds).
				<-steadyDone
				steadyBack = true
			} else {
				select {
				case <-steadyDone:
					steadyBack = true
				case <-time.After(env.Story(workTime)): // stuck behind a leaked lock: it will not come
				}
			}
		}

		if p.free() {
			released[p.name] = true
			env.Logf("main", ev.Release, "the %s is free again: the deferred release ran while the panic unwound", p.what)
		} else {
			released[p.name] = false
			leftHeld++
			env.Logf("main", ev.Warn, "the %s is still held: the release at the end of the faulty block never ran", p.what)
			env.Logf("main", ev.Note, "main releases the %s by hand so the demo can go on", p.what)
			p.cleanUp()
		}
		if !steadyBack {
			<-steadyDone
		}
		// Checked only now: whatever happened, nothing is left held.
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		names = append(names, p.name)
	}
	return conclude(useDefer, names, released, panics, leftHeld), nil
}

// inGoroutine runs block in a new goroutine, recovering a panic. The
// channel it returns yields whether there was one.
func inGoroutine(env *demos.Env, who string, block func()) <-chan bool {
	done := make(chan bool, 1)
	go func() {
		defer func() {
			p := recover()
			if p != nil {
				env.Logf(who, ev.Note, "recovered from the panic: %v", p)
			} else {
				env.Log(who, ev.Done, "left the block normally")
			}
			done <- p != nil
		}()
		block()
	}()
	return done
}

// criticalSection is the work done while holding something. The faulty
// worker panics halfway through it.
func criticalSection(ctx context.Context, env *demos.Env, who string, faulty bool) {
	env.Log(who, ev.Step, "works in the critical section")
	_ = env.Sleep(ctx, workTime) // if ctx ends, the work is just cut short
	if faulty {
		fail(env, who)
	}
}

func fail(env *demos.Env, who string) {
	env.Log(who, ev.Warn, "panics in the middle of the critical section")
	panic(who + " failed halfway")
}

func primitives() []primitive {
	return []primitive{mutex(), reentrant(), condition(), semaphore()}
}

// ---------------------------------------------------------------------------
// sync.Mutex: Lock, defer Unlock.

func mutex() primitive {
	var mu sync.Mutex
	block := func(fail bool) func(context.Context, *demos.Env, string, bool) {
		return func(ctx context.Context, env *demos.Env, who string, useDefer bool) {
			mu.Lock()
			if useDefer {
				defer mu.Unlock() // runs when this function returns or panics
			}
			env.Log(who, ev.Acquire, "locked the mutex")
			criticalSection(ctx, env, who, fail)
			if !useDefer {
				mu.Unlock() // never reached after a panic
			}
		}
	}
	return primitive{
		name: "mutex", what: "mutex",
		phase: "sync.Mutex: mu.Lock(); defer mu.Unlock()", noDefer: "sync.Mutex: mu.Lock() … mu.Unlock() on the last line",
		steady: block(false), faulty: block(true),
		free: func() bool {
			if mu.TryLock() {
				mu.Unlock()
				return true
			}
			return false
		},
		cleanUp: mu.Unlock, // Go lets any goroutine unlock a Mutex
	}
}

// ---------------------------------------------------------------------------
// isync.ReentrantLock: every Lock has its own deferred Unlock.

func reentrant() primitive {
	l := isync.NewReentrantLock()
	block := func(fail bool) func(context.Context, *demos.Env, string, bool) {
		return func(ctx context.Context, env *demos.Env, who string, useDefer bool) {
			if l.LockCtx(ctx, who) != nil {
				return
			}
			if useDefer {
				defer l.Unlock(who)
			}
			env.Log(who, ev.Acquire, "took the re-entrant lock")
			inner(ctx, env, l, who, useDefer, fail)
			if !useDefer {
				_ = l.Unlock(who)
			}
		}
	}
	return primitive{
		name: "re-entrant lock", what: "re-entrant lock",
		phase:   "isync.ReentrantLock: l.Lock(me); defer l.Unlock(me) — at every level",
		noDefer: "isync.ReentrantLock: l.Lock(me) … l.Unlock(me) on the last line — at every level",
		steady:  block(false), faulty: block(true),
		free: func() bool {
			if l.TryLock("main") {
				_ = l.Unlock("main")
				return true
			}
			return false
		},
		cleanUp: func() {
			// Only the owner may release: main does it in the owner's name,
			// once per hold.
			for owner, n := l.Holder(); n > 0; owner, n = l.Holder() {
				_ = l.Unlock(owner)
			}
		},
	}
}

// inner takes the lock a second time, as a helper called under it would.
func inner(ctx context.Context, env *demos.Env, l *isync.ReentrantLock, who string, useDefer, fail bool) {
	if l.LockCtx(ctx, who) != nil {
		return
	}
	if useDefer {
		defer l.Unlock(who)
	}
	_, holds := l.Holder()
	env.Logf(who, ev.Acquire, "took it again in a helper (hold count %d)", holds)
	criticalSection(ctx, env, who, fail)
	if !useDefer {
		_ = l.Unlock(who)
	}
}

// ---------------------------------------------------------------------------
// sync.Cond: its lock, c.L, is held around Wait and around Broadcast.

func condition() primitive {
	c := sync.NewCond(&sync.Mutex{})
	ready := false

	// steady waits for ready, as a condition's waiter always does: in a loop.
	steady := func(ctx context.Context, env *demos.Env, who string, useDefer bool) {
		c.L.Lock()
		if useDefer {
			defer c.L.Unlock()
		}
		env.Log(who, ev.Wait, "holds the condition's lock and waits for ready (Wait lets go of the lock meanwhile)")
		for !ready {
			c.Wait()
		}
		env.Log(who, ev.Wake, "woken, with the lock back: ready is true")
		if !useDefer {
			c.L.Unlock()
		}
	}
	// faulty sets ready, wakes the waiter, then panics still holding c.L.
	faulty := func(ctx context.Context, env *demos.Env, who string, useDefer bool) {
		c.L.Lock()
		if useDefer {
			defer c.L.Unlock()
		}
		env.Log(who, ev.Acquire, "locked the condition's lock")
		criticalSection(ctx, env, who, false)
		ready = true
		c.Broadcast()
		env.Log(who, ev.Send, "set ready and broadcast: the waiter needs the lock back before it can return from Wait")
		fail(env, who)
		if !useDefer {
			c.L.Unlock()
		}
	}
	mu := c.L.(*sync.Mutex)
	return primitive{
		name: "condition", what: "condition's lock",
		phase:   "sync.Cond: c.L.Lock(); defer c.L.Unlock() — for the waiter and the notifier",
		noDefer: "sync.Cond: c.L.Lock() … c.L.Unlock() on the last line — for the waiter and the notifier",
		// The waiter waits in the background; the faulty notifier comes
		// half a story-second later.
		steady: steady, faulty: faulty, background: true,
		free: func() bool {
			if mu.TryLock() {
				mu.Unlock()
				return true
			}
			return false
		},
		cleanUp: mu.Unlock, // the waiter can now take the lock back and return from Wait
	}
}

// ---------------------------------------------------------------------------
// isync.Semaphore: Acquire, defer Release.

func semaphore() primitive {
	sem := isync.NewBoundedSemaphore(2)
	block := func(fail bool) func(context.Context, *demos.Env, string, bool) {
		return func(ctx context.Context, env *demos.Env, who string, useDefer bool) {
			if sem.Acquire(ctx) != nil {
				return
			}
			if useDefer {
				defer sem.Release()
			}
			env.Logf(who, ev.Acquire, "acquired a permit (%d of 2 left)", sem.Value())
			criticalSection(ctx, env, who, fail)
			if !useDefer {
				_ = sem.Release()
			}
		}
	}
	return primitive{
		name: "semaphore", what: "semaphore's permit",
		phase: "isync.Semaphore: sem.Acquire(ctx); defer sem.Release()", noDefer: "isync.Semaphore: sem.Acquire(ctx) … sem.Release() on the last line",
		steady: block(false), faulty: block(true),
		free:    func() bool { return sem.Value() == 2 },
		cleanUp: func() { _ = sem.Release() },
	}
}

func conclude(useDefer bool, names []string, released map[string]bool, panics, leftHeld int) ev.Result {
	n := len(names)
	res := ev.Result{
		Metrics: Metrics{UseDefer: useDefer, Primitives: n, PanicsRecovered: panics,
			Released: released, LeftHeld: leftHeld},
	}
	tb := ev.Table{Title: "after the panic", Header: []string{"primitive", "state"}}
	for _, name := range names {
		state := "free"
		if !released[name] {
			state = "still held (released by hand afterwards)"
		}
		tb.Rows = append(tb.Rows, []string{name, state})
	}
	res.Tables = []ev.Table{tb}
	switch {
	case panics != n:
		res.Verdict = fmt.Sprintf("only %d of %d faulty blocks panicked: please report it", panics, n)
	case useDefer && leftHeld == 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d panics recovered, and all %d primitives were free afterwards: every deferred release ran", panics, n)
	case useDefer:
		res.Verdict = fmt.Sprintf("%d of %d primitives stayed held although the release was deferred: please report it", leftHeld, n)
	case leftHeld == n:
		res.Observed = true
		res.Verdict = fmt.Sprintf("without defer, each of the %d panics left its primitive held — that is what defer prevents", n)
	default:
		res.Verdict = fmt.Sprintf("without defer, %d of %d primitives stayed held; every one should have: please report it", leftHeld, n)
	}
	return res
}
