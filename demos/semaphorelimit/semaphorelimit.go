// Package semaphorelimit is scenario S3b (the second part of S3): a
// semaphore limits how many workers run at once.
package semaphorelimit

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// holdTime is how long each worker keeps its permit, in story seconds.
// maxWaves bounds the run's length: workers ÷ limit waves of holdTime each.
const (
	holdTime = 1.0
	maxWaves = 200
)

// Options are the scenario's knobs.
type Options struct {
	Workers int // workers that each hold a permit for 1 story-second
	Limit   int // permits: how many workers may hold one at once
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers           int     `json:"workers"`             // workers (--workers)
	Limit             int     `json:"limit"`               // the semaphore's permits (--limit)
	MaxHolders        int     `json:"max_holders"`         // the most workers holding a permit at the same moment, measured with an atomic counter
	ExpectedMax       int     `json:"expected_max"`        // what max_holders must be: the smaller of limit and workers
	Waves             int     `json:"waves"`               // workers ÷ limit, rounded up: the run's expected length in story-seconds
	WallMs            float64 `json:"wall_ms"`             // from starting the workers to the last release
	StorySeconds      float64 `json:"story_seconds"`       // wall_ms in story-seconds (≈ waves)
	LateMs            float64 `json:"late_ms"`             // how far past waves story-seconds the run ended, in real ms
	OnPace            bool    `json:"on_pace"`             // the run took about waves story-seconds (late by at most a quarter, 2ms at least): the machine kept the pace
	TooSoon           bool    `json:"too_soon"`            // the run ended sooner than waves story-seconds allow: more workers got in than the permits
	FinalValue        int     `json:"final_value"`         // the semaphore's value at the end: every permit back, so equal to limit
	ExtraReleaseError string  `json:"extra_release_error"` // the error of one release too many on the (bounded) semaphore
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "semaphore limit", ID: "S3b",
		Title:  "A semaphore of 5 lets at most 5 of 100 workers in at once",
		Python: "threading.Semaphore(5) / BoundedSemaphore", Go: "a buffered channel, or golang.org/x/sync/semaphore",
		Explain: lesson,
		// The workers and their permits first, then the semaphore itself.
		Lesson: []string{"demos/semaphorelimit/semaphorelimit.go", "internal/sync/semaphore.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "workers that each hold a permit for 1 story-second", 100, 1, 1_000)
			k.Int(&o.Limit, "limit", "permits: how many workers may hold one at once", 5, 1, 100)
		},
		Check:    check,
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

func check(o *Options, _ *demos.Knobs) error {
	if w := waves(o.Workers, o.Limit); w > maxWaves {
		return fmt.Errorf("--workers %d with --limit %d takes %d story-seconds; the limit is %d (raise --limit)", o.Workers, o.Limit, w, maxWaves)
	}
	return nil
}

// waves is how many rounds of holders the run needs: workers ÷ limit,
// rounded up.
func waves(workers, limit int) int { return (workers + limit - 1) / limit }

// gauge counts the workers holding a permit right now and the most ever
// seen at once. It is measured, not assumed: each worker adds itself right
// after Acquire and removes itself right before Release. The line that
// shows the count is emitted under the gauge's lock, so the order of the
// lines and the counts they print agree (issue 13: "worker-100 … (3
// holding)" must never come before "worker-1 … (2 holding)").
type gauge struct {
	mu               sync.Mutex
	now, most        atomic.Int64
	entered, leftCnt int // permits taken and given back so far, under mu
}

// enter counts a new holder and calls say with the count and how many
// permits were taken before this one, under the lock.
func (g *gauge) enter(say func(n int64, before int)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.now.Add(1)
	if n > g.most.Load() {
		g.most.Store(n)
	}
	say(n, g.entered)
	g.entered++
}

// leave is enter's counterpart for a holder giving its permit back.
func (g *gauge) leave(say func(n int64, before int)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := g.now.Add(-1)
	say(n, g.leftCnt)
	g.leftCnt++
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	workers, limit := o.Workers, o.Limit
	// Bounded, because here it is a limit: a double release would quietly
	// let one more worker in than the limit says.
	sem := isync.NewBoundedSemaphore(limit)
	g := &gauge{}
	env.OnStall(func() string {
		return fmt.Sprintf("%d permits free, %d workers hold one", sem.Value(), g.now.Load())
	})
	env.Logf("main", ev.Note, "%d workers share a semaphore of %d: each acquires a permit, holds it %g story-second, releases it", workers, limit, holdTime)
	if workers > limit {
		env.Logf("main", ev.Note, "only %d can hold a permit at once: the other %d wait in Acquire until one is released", limit, workers-limit)
	}

	// Two lines per worker would flood the screen: the first wave's permits,
	// the first permit of every later wave and the last wave's releases are
	// the key events (--quiet=false shows all).
	if workers > limit {
		env.Flood(2*workers-(2*limit+waves(workers, limit)-1), "the other permits taken and given back")
	}
	start := env.Now()
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		name := fmt.Sprintf("worker-%d", i+1)
		wg.Go(func() { errs <- work(ctx, env, sem, g, name, workers, limit) })
	}
	wg.Wait()
	wall := env.Now() - start
	close(errs)
	for err := range errs {
		if err != nil { // a worker can only fail by being stopped
			return ev.Result{}, demos.Stopped(ctx)
		}
	}

	// Every permit is back. One release more is a bug a bounded semaphore
	// catches; a plain one would now let limit+1 workers in.
	extra := sem.Release()
	env.Logf("main", ev.Warn, "one release too many: %v (value stays %d)", extra, sem.Value())
	return conclude(env.Speed, o, g, sem, wall, extra), nil
}

// work is one worker: wait for a permit, hold it, give it back. The release
// is deferred so that it happens however the work ends.
func work(ctx context.Context, env *demos.Env, sem *isync.Semaphore, g *gauge, name string, workers, limit int) error {
	if err := sem.Acquire(ctx); err != nil {
		return err
	}
	defer sem.Release()
	g.enter(func(n int64, before int) {
		log := env.Detail
		if before < limit || before%limit == 0 { // the first wave, and each wave's first: key events
			log = env.Log
		}
		log(name, ev.Acquire, fmt.Sprintf("got a permit (%d holding)", n), "holders", n)
	})
	err := env.Sleep(ctx, holdTime)
	g.leave(func(n int64, before int) {
		log := env.Detail
		if before >= workers-limit { // the last wave: key events
			log = env.Log
		}
		log(name, ev.Release, fmt.Sprintf("done: releases its permit (%d still holding)", n), "holders", n)
	})
	return err
}

func conclude(speed float64, o *Options, g *gauge, sem *isync.Semaphore, wall time.Duration, extra error) ev.Result {
	workers, limit := o.Workers, o.Limit
	most := int(g.most.Load())
	want := min(workers, limit)
	w := waves(workers, limit)
	story := math.Round(wall.Seconds()*speed*1000) / 1000
	pace := demos.NewPace(speed, float64(w)*holdTime, wall)
	extraText := ""
	if extra != nil {
		extraText = extra.Error()
	}
	res := ev.Result{
		Metrics: Metrics{Workers: workers, Limit: limit, MaxHolders: most, ExpectedMax: want,
			Waves: w, WallMs: ev.Ms(wall), StorySeconds: story, LateMs: ev.Ms(pace.Late()), OnPace: pace.Kept(), TooSoon: pace.Early(), FinalValue: sem.Value(), ExtraReleaseError: extraText},
		Timing: []ev.Timing{{Label: fmt.Sprintf("%d waves × %g story-s, expected", w, holdTime), D: pace.Want},
			{Label: "all workers, measured", D: wall}},
	}
	res.Verdict = fmt.Sprintf("at most %d of %d workers held a permit at once (semaphore of %d); they took %.1f story-seconds for %d waves of %g",
		most, workers, limit, story, w, holdTime)
	switch {
	case most > limit || sem.Value() != limit || extra == nil:
		res.Verdict += fmt.Sprintf(" — %d permits back, extra release %q: that breaks the semaphore's promise, please report it", sem.Value(), extraText)
	case most < want:
		res.Verdict += fmt.Sprintf(": never %d at once this time, the machine was too busy to start them together", want)
		res.Hint = "a lower --speed, so each worker holds its permit longer"
	case pace.Early():
		res.Verdict += fmt.Sprintf(" — sooner than %d waves can take: more workers got in than the permits allow, please report it", w)
	case !pace.Kept():
		res.Verdict += ": the limit held, but not the timing — " + pace.Behind()
		res.Hint = demos.PaceHint
	default:
		res.Observed = true
	}
	return res
}
