// Package asyncenv sets up the event loop of internal/loop on a
// scenario's story clock, for the scenarios of chapter 7.
package asyncenv

import (
	"context"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/loop"
)

// Loop returns a loop whose time is the scenario's story time (--speed
// applies) and whose idle waits count as sleeping for the watchdog.
func Loop(env *demos.Env) *loop.Loop {
	return loop.New(loop.Options{
		Speed: env.Speed,
		Sleep: func(ctx context.Context, d time.Duration) error {
			return env.Sleep(ctx, d.Seconds()*env.Speed)
		},
	})
}

// Run runs l under ctx and turns a stopped run into demos.Stopped.
func Run(ctx context.Context, l *loop.Loop) error {
	err := l.Run(ctx)
	if err != nil && ctx.Err() != nil {
		return demos.Stopped(ctx)
	}
	return err
}

// Tolerance is how late (story seconds) a timed claim may be and still
// hold: story, or floor of real time — what a busy machine's timers and
// scheduler may add — whichever is larger. At a high --speed a story
// second is a few milliseconds, and a fixed story slack would call the
// machine's jitter a failed lesson.
func Tolerance(env *demos.Env, story float64, floor time.Duration) float64 {
	return max(story, floor.Seconds()*env.Speed)
}
