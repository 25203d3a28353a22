// Package rlock is scenario S2: a lock taken again by the goroutine that
// already holds it. Go's sync.Mutex deadlocks on itself; a re-entrant lock
// counts the holds; idiomatic Go takes the lock only once.
package rlock

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds. The remover starts half a
// story-second after the adder so that their lines alternate.
const (
	opGap         = 1.0
	removerOffset = 0.5
)

// Options are the scenario's knobs.
type Options struct {
	Ops      int // operations by the adder and by the remover, 1 story-second apart
	Workers  int // workers in the nested form
	Patience int // story-seconds the deadlock watchdog waits before it ends phase 1
}

// Metrics are what the scenario measured.
type Metrics struct {
	Ops              int     `json:"ops"`                // operations by the adder and by the remover (--ops)
	BoxFinal         int     `json:"box_final"`          // the box's value after the adder and remover ran with isync.ReentrantLock: must be 0
	IdiomFinal       int     `json:"idiom_final"`        // the same with a sync.Mutex taken once and ...Locked helpers: must be 0
	DeadlockDetected bool    `json:"deadlock_detected"`  // the sync.Mutex box deadlocked on itself and the scenario's own watchdog saw a goroutine waiting for a lock it holds
	Deadlocked       string  `json:"deadlocked"`         // who waited for its own lock: adder or remover
	StuckMs          float64 `json:"stuck_ms"`           // how long it had waited when the watchdog ended the phase (at least --patience story-seconds)
	MaxHoldCount     int     `json:"max_hold_count"`     // the highest hold count the re-entrant lock reached (2: a holder took it again)
	Workers          int     `json:"workers"`            // workers in the nested form (--workers)
	NestedExpected   int     `json:"nested_expected"`    // steps the nested form must count: 2 per worker
	NestedTotal      int     `json:"nested_total"`       // steps the nested form counted with the re-entrant lock
	NestedIdiomTotal int     `json:"nested_idiom_total"` // steps the nested form counted with the ...Locked helpers
	ReleaseErrors    int     `json:"release_errors"`     // wrong releases the re-entrant lock refused: one by a non-owner, one of a free lock (2)
}

// New returns the scenario.
func New() demos.Demo { return scenario().Demo() }

func scenario() demos.Scenario[Options, Metrics] {
	return demos.Scenario[Options, Metrics]{
		Name: "rlock", ID: "S2",
		Title:  "A lock taken again by its holder: sync.Mutex deadlocks, a re-entrant lock counts",
		Python: "threading.RLock", Go: "no re-entrant lock: lock once, call ...Locked helpers (isync.ReentrantLock to compare)",
		Explain: lesson,
		// The three boxes first, then the re-entrant lock they compare.
		Lesson: []string{"demos/rlock/rlock.go", "internal/sync/rlock.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Ops, "ops", "operations by the adder and by the remover, 1 story-second apart", 5, 1, 20)
			k.Int(&o.Workers, "workers", "workers in the nested form", 10, 1, 100)
			k.Int(&o.Patience, "patience", "story-seconds the deadlock watchdog waits before it ends the sync.Mutex phase", 10, 1, 100)
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}
}

// outcome is what the three phases saw.
type outcome struct {
	detected     bool
	deadlocked   string        // who waited for its own lock
	stuck        time.Duration // how long, when the watchdog stepped in
	boxFinal     int           // re-entrant box
	idiomFinal   int           // box with ...Locked helpers
	maxHolds     int           // highest hold count of the re-entrant lock
	nested       int           // nested form, re-entrant lock
	nestedIdiom  int           // nested form, ...Locked helpers
	releaseError int           // wrong releases the re-entrant lock refused
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	out := &outcome{}
	for _, phase := range []phase{mutexPhase, reentrantPhase, idiomPhase} {
		if err := phase(ctx, env, o, out); err != nil {
			return ev.Result{}, err
		}
	}
	return conclude(o, out), nil
}

// phase is one part of the scenario; it records what it saw in out.
type phase func(ctx context.Context, env *demos.Env, o *Options, out *outcome) error

// ---------------------------------------------------------------------------
// Phase 1: the cookbook's box with Go's sync.Mutex.

// mutexBox is the cookbook's box, locked the cookbook's way: add and remove
// take the lock, then call execute, which takes it again.
type mutexBox struct {
	env   *demos.Env
	mu    *watchedMutex // a sync.Mutex the watchdog can see into
	total int
}

func (b *mutexBox) add(who string)    { b.change(who, "add", +1) }
func (b *mutexBox) remove(who string) { b.change(who, "remove", -1) }

func (b *mutexBox) change(who, op string, n int) {
	b.env.Logf(who, ev.Step, "%s: asks for the box lock", op)
	b.mu.Lock(who)
	defer b.mu.Unlock(who)
	b.env.Logf(who, ev.Acquire, "%s: has the box lock; calls execute", op)
	b.execute(who, n)
}

func (b *mutexBox) execute(who string, n int) {
	b.env.Log(who, ev.Wait, "execute: asks for the box lock again — while holding it")
	b.mu.Lock(who) // blocks: the lock is taken, by who itself
	defer b.mu.Unlock(who)
	b.total += n // never reached
}

// mutexPhase runs the adder and the remover against mutexBox. The first
// nested call deadlocks; the watchdog notices a goroutine waiting for a lock
// it holds, lets it wait patience story-seconds to show it never comes back,
// then ends the phase.
func mutexPhase(ctx context.Context, env *demos.Env, o *Options, out *outcome) error {
	env.Phase("1 · sync.Mutex: add takes the box lock, then execute takes it again")
	m := newWatchedMutex(env.Now)
	b := &mutexBox{env: env, mu: m}
	env.OnStall(m.describe)
	patience := float64(o.Patience)

	var wg sync.WaitGroup
	t0 := storyNow(env)
	wg.Go(func() { mutexWorker(ctx, env, o.Ops, "adder", t0, b.add) })
	wg.Go(func() { mutexWorker(ctx, env, o.Ops, "remover", t0+removerOffset, b.remove) })
	workersDone := make(chan struct{})
	go func() { wg.Wait(); close(workersDone) }()

	// The watchdog: sleep in small steps until somebody has waited for
	// its own lock for patience story-seconds.
	for {
		select {
		case <-workersDone: // cannot happen: every operation deadlocks
			return nil
		default:
		}
		if who, since, ok := m.selfWait(); ok {
			if stuck := env.Now() - since; stuck >= env.Story(patience) {
				out.detected, out.deadlocked, out.stuck = true, who, stuck
				env.Log("watchdog", ev.Warn, fmt.Sprintf("deadlock: %s", m.describe()),
					"holder", who, "stuck_ms", ev.Ms(stuck))
				env.Log("watchdog", ev.Note, "a sync.Mutex does not know its holder: a second Lock waits for the first Unlock, forever")
				break
			}
		}
		if env.Sleep(ctx, patience/20) != nil {
			m.end() // Ctrl-C or the global watchdog: free whoever is stuck
			<-workersDone
			return demos.Stopped(ctx)
		}
	}
	freed := m.end()
	env.Logf("watchdog", ev.Note, "ends the phase: unlocks the mutex itself to free %s (Go allows it; real code never should)", freed)
	<-workersDone
	return nil
}

// mutexWorker does the cookbook's operations one story-second apart. In
// this phase the first one never finishes: the watchdog ends the goroutine
// inside it, and only the deferred calls run.
func mutexWorker(ctx context.Context, env *demos.Env, ops int, who string, start float64, op func(string)) {
	finished := false
	defer func() {
		switch {
		case finished:
		case ctx.Err() != nil:
			env.Log(who, ev.Done, "stopped in the middle of its operation: the run was interrupted")
		default:
			env.Log(who, ev.Done, "stopped by the watchdog in the middle of its operation")
		}
	}()
	for i := range ops {
		if env.SleepUntil(ctx, start+float64(i)*opGap) != nil {
			break
		}
		op(who)
	}
	finished = true
}

// ---------------------------------------------------------------------------
// Phase 2: the same box with a re-entrant lock.

// reentrantBox is the cookbook's box with Python's RLock semantics.
type reentrantBox struct {
	env      *demos.Env
	lock     *isync.ReentrantLock
	total    int
	maxHolds int
}

func (b *reentrantBox) add(ctx context.Context, who string) error {
	return b.change(ctx, who, "add", +1)
}

func (b *reentrantBox) remove(ctx context.Context, who string) error {
	return b.change(ctx, who, "remove", -1)
}

func (b *reentrantBox) change(ctx context.Context, who, op string, n int) error {
	if err := b.lock.LockCtx(ctx, who); err != nil {
		return err
	}
	defer b.lock.Unlock(who)
	return b.execute(ctx, op, who, n)
}

func (b *reentrantBox) execute(ctx context.Context, op, who string, n int) error {
	if err := b.lock.LockCtx(ctx, who); err != nil { // the holder gets straight in
		return err
	}
	defer b.lock.Unlock(who)
	b.total += n
	_, holds := b.lock.Holder()
	b.maxHolds = max(b.maxHolds, holds)
	b.env.Log(who, ev.Step, fmt.Sprintf("%s → execute: re-locks (hold count %d); box now %d", op, holds, b.total),
		"holds", holds, "box", b.total)
	return nil
}

func reentrantPhase(ctx context.Context, env *demos.Env, o *Options, out *outcome) error {
	env.Phase("2 · isync.ReentrantLock: the holder may take it again; it counts the holds")
	b := &reentrantBox{env: env, lock: isync.NewReentrantLock()}
	env.OnStall(func() string { return holderText(b.lock) })
	t0 := storyNow(env)
	err := both(ctx,
		func() error { return worker(ctx, env, o.Ops, "adder", t0, b.add) },
		func() error { return worker(ctx, env, o.Ops, "remover", t0+removerOffset, b.remove) })
	if err != nil {
		return err
	}
	out.boxFinal = b.total
	env.Logf("main", ev.Note, "the box ends at %d; the lock is free (%s)", b.total, holderText(b.lock))

	// Only the holder may release, and only what it holds.
	b.lock.Lock("adder")
	env.Log("adder", ev.Acquire, "takes the re-entrant lock once more")
	err = b.lock.Unlock("remover")
	if errors.Is(err, isync.ErrNotOwner) {
		out.releaseError++
	}
	env.Log("remover", ev.Warn, fmt.Sprintf("releases the lock adder holds: %v", err))
	_ = b.lock.Unlock("adder")
	env.Log("adder", ev.Release, "releases it: "+holderText(b.lock))
	err = b.lock.Unlock("adder")
	if errors.Is(err, isync.ErrNotHeld) {
		out.releaseError++
	}
	env.Log("adder", ev.Warn, fmt.Sprintf("releases it once more than it took it: %v", err))

	// The nested form: each worker locks, then calls two functions that
	// each lock again.
	n := &nestedReentrant{env: env, lock: b.lock}
	if err := nestedWorkers(ctx, env, o.Workers, "re-entrant lock", n.work, func() int { return n.total }); err != nil {
		return err
	}
	out.nested = n.total
	out.maxHolds = max(b.maxHolds, n.maxHolds)
	return nil
}

type nestedReentrant struct {
	env      *demos.Env
	lock     *isync.ReentrantLock
	total    int
	maxHolds int
}

func (n *nestedReentrant) work(ctx context.Context, who string) error {
	if err := n.lock.LockCtx(ctx, who); err != nil {
		return err
	}
	defer n.lock.Unlock(who)
	for range 2 {
		if err := n.step(ctx, who); err != nil {
			return err
		}
	}
	if n.total == 2 { // the first worker done shows the shape; main's line sums up all of them (pacing, issue 13)
		n.env.Log(who, ev.Step, fmt.Sprintf("locked, then two steps re-locked (hold count 2); total %d", n.total), "total", n.total)
	}
	return nil
}

func (n *nestedReentrant) step(ctx context.Context, who string) error {
	if err := n.lock.LockCtx(ctx, who); err != nil {
		return err
	}
	defer n.lock.Unlock(who)
	n.total++
	_, holds := n.lock.Holder()
	n.maxHolds = max(n.maxHolds, holds)
	return nil
}

// ---------------------------------------------------------------------------
// Phase 3: the idiomatic Go fix.

// box locks once, in its exported methods. The unexported executeLocked
// assumes the lock is held and never takes it: no re-entry is needed.
type box struct {
	env   *demos.Env
	mu    sync.Mutex
	total int
}

func (b *box) Add(who string)    { b.change(who, "Add", +1) }
func (b *box) Remove(who string) { b.change(who, "Remove", -1) }

func (b *box) change(who, op string, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.executeLocked(who, op, n)
}

// executeLocked changes the total. The caller must hold b.mu.
func (b *box) executeLocked(who, op string, n int) {
	b.total += n
	b.env.Log(who, ev.Step, fmt.Sprintf("%s → executeLocked: no second Lock; box now %d", op, b.total), "box", b.total)
}

func idiomPhase(ctx context.Context, env *demos.Env, o *Options, out *outcome) error {
	env.Phase("3 · idiomatic Go: lock once in the exported method, call a ...Locked helper")
	b := &box{env: env}
	env.OnStall(func() string {
		return "the idiomatic box takes its lock once and holds it only briefly; nothing here should block"
	})
	noCtx := func(f func(string)) func(context.Context, string) error {
		return func(_ context.Context, who string) error { f(who); return nil }
	}
	t0 := storyNow(env)
	err := both(ctx,
		func() error { return worker(ctx, env, o.Ops, "adder", t0, noCtx(b.Add)) },
		func() error { return worker(ctx, env, o.Ops, "remover", t0+removerOffset, noCtx(b.Remove)) })
	if err != nil {
		return err
	}
	out.idiomFinal = b.total
	env.Logf("main", ev.Note, "the box ends at %d", b.total)

	n := &nestedIdiom{env: env}
	if err := nestedWorkers(ctx, env, o.Workers, "...Locked helpers", n.Work, func() int { return n.total }); err != nil {
		return err
	}
	out.nestedIdiom = n.total
	return nil
}

type nestedIdiom struct {
	env   *demos.Env
	mu    sync.Mutex
	total int
}

func (n *nestedIdiom) Work(_ context.Context, who string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.stepLocked()
	n.stepLocked()
	if n.total == 2 { // the first worker done shows the shape; main's line sums up all of them (pacing, issue 13)
		n.env.Log(who, ev.Step, fmt.Sprintf("locked once, then two ...Locked steps; total %d", n.total), "total", n.total)
	}
	return nil
}

// stepLocked counts one step. The caller must hold n.mu.
func (n *nestedIdiom) stepLocked() { n.total++ }

// ---------------------------------------------------------------------------
// Helpers shared by the phases.

// worker does ops operations one story-second apart, from story second start.
func worker(ctx context.Context, env *demos.Env, ops int, who string, start float64, op func(context.Context, string) error) error {
	for i := range ops {
		if err := env.SleepUntil(ctx, start+float64(i)*opGap); err != nil {
			return err
		}
		if err := op(ctx, who); err != nil {
			return err
		}
	}
	return nil // main's "the box ends at" line follows both workers (pacing, issue 13: no line per worker)
}

// nestedWorkers starts the nested form's k workers at once and waits for them.
// The first worker done reports its step; total (read after every worker
// is done) sums them all up.
func nestedWorkers(ctx context.Context, env *demos.Env, k int, how string, work func(context.Context, string) error, total func() int) error {
	env.Logf("main", ev.Note, "nested: %d workers each lock, then call 2 that lock again", k)
	errs := make(chan error, k)
	var wg sync.WaitGroup
	for i := range k {
		wg.Go(func() { errs <- work(ctx, fmt.Sprintf("worker-%d", i+1)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil { // a worker can only fail by being stopped
			return demos.Stopped(ctx)
		}
	}
	env.Logf("main", ev.Done, "nested, %s: %d done, total %d of %d", how, k, total(), 2*k)
	return nil
}

// both runs f and g at once; they can only fail by being stopped.
func both(ctx context.Context, f, g func() error) error {
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs <- f() })
	wg.Go(func() { errs <- g() })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return demos.Stopped(ctx)
		}
	}
	return nil
}

func storyNow(env *demos.Env) float64 { return env.Now().Seconds() * env.Speed }

func holderText(l *isync.ReentrantLock) string {
	if owner, count := l.Holder(); count > 0 {
		return fmt.Sprintf("%s holds the re-entrant lock %d times", owner, count)
	}
	return "nobody holds it"
}

func conclude(o *Options, out *outcome) ev.Result {
	ops, k := o.Ops, o.Workers
	expected := 2 * k
	res := ev.Result{
		Metrics: Metrics{Ops: ops, BoxFinal: out.boxFinal, IdiomFinal: out.idiomFinal,
			DeadlockDetected: out.detected, Deadlocked: out.deadlocked, StuckMs: ev.Ms(out.stuck),
			MaxHoldCount: out.maxHolds, Workers: k, NestedExpected: expected,
			NestedTotal: out.nested, NestedIdiomTotal: out.nestedIdiom, ReleaseErrors: out.releaseError},
		Timing: []ev.Timing{{Label: out.deadlocked + " waited for its own lock", D: out.stuck}},
		Tables: []ev.Table{{Title: "three boxes", Header: []string{"lock", "outcome"}, Rows: [][]string{
			{"sync.Mutex, locked twice", deadlockText(out)},
			{"isync.ReentrantLock", fmt.Sprintf("box %d after %d operations; hold count up to %d; nested %d of %d", out.boxFinal, 2*ops, out.maxHolds, out.nested, expected)},
			{"sync.Mutex + ...Locked", fmt.Sprintf("box %d after %d operations; nested %d of %d", out.idiomFinal, 2*ops, out.nestedIdiom, expected)},
		}}},
	}
	fixesWork := out.boxFinal == 0 && out.idiomFinal == 0 && out.nested == expected && out.nestedIdiom == expected &&
		out.maxHolds >= 2 && out.releaseError == 2
	switch {
	case !fixesWork:
		res.Verdict = fmt.Sprintf("a fixed box went wrong (re-entrant box %d, idiomatic box %d, nested %d and %d of %d, %d wrong releases refused): please report it",
			out.boxFinal, out.idiomFinal, out.nested, out.nestedIdiom, expected, out.releaseError)
	case !out.detected:
		res.Verdict = "the sync.Mutex box did not deadlock, which it always should: please report it"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("sync.Mutex deadlocked on itself (%s waited %s for a lock it held); "+
			"the re-entrant lock and the ...Locked helpers both left the box at 0", out.deadlocked, ev.Dur(out.stuck))
	}
	return res
}

func deadlockText(o *outcome) string {
	if !o.detected {
		return "no deadlock seen"
	}
	return fmt.Sprintf("deadlock: %s waited %s for itself, then the watchdog ended it", o.deadlocked, ev.Dur(o.stuck))
}
