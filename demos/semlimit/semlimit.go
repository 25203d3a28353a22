// Package semlimit is scenario S3 (second part): a semaphore limits how
// many workers run at once.
package semlimit

import (
	"context"
	"embed"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed semlimit.go
var source embed.FS

//go:embed lesson.md
var lesson string

// holdTime is how long each worker keeps its permit, in story seconds.
// maxWaves bounds the run's length: workers ÷ limit waves of holdTime each.
const (
	holdTime = 1.0
	maxWaves = 200
)

// New returns the scenario.
func New() demos.Demo {
	return demos.Demo{
		Name: "semaphore limit", ID: "S3", Chapter: 2,
		Title:  "A semaphore of 5 lets at most 5 of 100 workers in at once",
		Python: "threading.Semaphore(5) / BoundedSemaphore", Go: "a buffered channel, or golang.org/x/sync/semaphore",
		Params: []demos.Param{
			demos.Int("workers", "workers that each hold a permit for 1 story-second", 100, 1, 1_000),
			demos.Int("limit", "permits: how many workers may hold one at once", 5, 1, 100),
		},
		Metrics: []string{"workers", "limit", "max_holders", "expected_max", "waves", "wall_ms", "story_seconds", "final_value", "extra_release_error"},
		Check:   check,
		Explain: lesson,
		Source:  source,
		Run:     run,
	}
}

func check(v *demos.Values) error {
	if w := waves(v.Int("workers"), v.Int("limit")); w > maxWaves {
		return fmt.Errorf("--workers %d with --limit %d takes %d story-seconds; the limit is %d (raise --limit)", v.Int("workers"), v.Int("limit"), w, maxWaves)
	}
	return nil
}

// waves is how many rounds of holders the run needs: workers ÷ limit,
// rounded up.
func waves(workers, limit int) int { return (workers + limit - 1) / limit }

// gauge counts the workers holding a permit right now and the most ever
// seen at once. It is measured, not assumed: each worker adds itself right
// after Acquire and removes itself right before Release.
type gauge struct{ now, most atomic.Int64 }

func (g *gauge) enter() int64 {
	n := g.now.Add(1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
	return n
}

func (g *gauge) leave() int64 { return g.now.Add(-1) }

func run(ctx context.Context, env *demos.Env) (ev.Result, error) {
	workers, limit := env.Int("workers"), env.Int("limit")
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

	start := env.Now()
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		name := fmt.Sprintf("worker-%d", i+1)
		wg.Go(func() { errs <- work(ctx, env, sem, g, name) })
	}
	wg.Wait()
	wall := env.Now() - start
	close(errs)
	for err := range errs {
		if err != nil {
			return ev.Result{}, context.Cause(ctx)
		}
	}

	// Every permit is back. One release more is a bug a bounded semaphore
	// catches; a plain one would now let limit+1 workers in.
	extra := sem.Release()
	env.Logf("main", ev.Warn, "one release too many: %v (value stays %d)", extra, sem.Value())
	return conclude(env, g, sem, wall, extra), nil
}

// work is one worker: wait for a permit, hold it, give it back. The release
// is deferred so that it happens however the work ends.
func work(ctx context.Context, env *demos.Env, sem *isync.Semaphore, g *gauge, name string) error {
	if err := sem.Acquire(ctx); err != nil {
		return err
	}
	defer sem.Release()
	n := g.enter()
	env.Log(name, ev.Acquire, fmt.Sprintf("got a permit (%d holding)", n), "holders", n)
	err := env.Sleep(ctx, holdTime)
	n = g.leave()
	env.Log(name, ev.Release, fmt.Sprintf("done: releases its permit (%d still holding)", n), "holders", n)
	return err
}

func conclude(env *demos.Env, g *gauge, sem *isync.Semaphore, wall time.Duration, extra error) ev.Result {
	workers, limit := env.Int("workers"), env.Int("limit")
	most := int(g.most.Load())
	want := min(workers, limit)
	w := waves(workers, limit)
	story := math.Round(wall.Seconds()*env.Speed*1000) / 1000
	extraText := ""
	if extra != nil {
		extraText = extra.Error()
	}
	res := ev.Result{
		Metrics: map[string]any{"workers": workers, "limit": limit, "max_holders": most, "expected_max": want,
			"waves": w, "wall_ms": ev.Ms(wall), "story_seconds": story, "final_value": sem.Value(), "extra_release_error": extraText},
		Timing: []ev.Timing{{Label: fmt.Sprintf("%d waves × %g story-s, expected", w, holdTime), D: env.Story(float64(w) * holdTime)},
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
	default:
		res.Observed = true
	}
	return res
}
