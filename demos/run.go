package demos

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Config is how one run is set up: global flags plus the scenario's knobs.
type Config struct {
	Seed     int64
	Speed    float64
	Knobs    *Bound        // the scenario's knobs for this run (nil: the defaults)
	Watchdog time.Duration // end the run after this long without progress
	Grace    time.Duration // how long a stopped scenario may take to return (default 1s)
	Quiet    Quiet         // --quiet: key events only (QuietAuto: only when the scenario floods)
	// Answers are the --quiz guesses, one choice index per question of
	// Knobs.Ask(); non-nil makes Execute fill Result.Quiz (Bound.Grade)
	// before the renderer's End.
	Answers []int
}

// Stopped is the one way a scenario, or any code it runs, reports that it
// ended because its context did: return demos.Stopped(ctx). The cause
// says why (Ctrl-C, the watchdog), and the runner turns it into the right
// exit code.
func Stopped(ctx context.Context) error { return context.Cause(ctx) }

// ErrInterrupted is returned when the caller's context ended (Ctrl-C).
var ErrInterrupted = errors.New("interrupted")

// Interrupt is a signal that stopped the run from outside. The caller
// cancels the run's context with it as the cause (see
// context.WithCancelCause); it is an ErrInterrupted for errors.Is, and it
// carries the exit code the shell expects for its signal.
type Interrupt struct {
	Signal string // "SIGTERM", "SIGHUP"; "" for Ctrl-C, which says just "interrupted"
	Code   int    // the exit code: 128 + the signal's number (130 for Ctrl-C)
}

func (i *Interrupt) Error() string {
	if i.Signal == "" {
		return ErrInterrupted.Error()
	}
	return "interrupted by " + i.Signal
}

// Is makes every Interrupt an ErrInterrupted.
func (i *Interrupt) Is(target error) bool { return target == ErrInterrupted }

// ExitCode is the exit code err calls for, usage errors aside (cmd tells
// those): 0 for nil, the signal's code for an Interrupt, 130 for any other
// ErrInterrupted, 1 for everything else — a failed write to the output
// among them.
func ExitCode(err error) int {
	var i *Interrupt
	switch {
	case err == nil:
		return 0
	case errors.As(err, &i):
		return i.Code
	case errors.Is(err, ErrInterrupted):
		return 130
	}
	return 1
}

// interrupted is the error for a run whose caller's context ended: the
// Interrupt that ended it, if it was cancelled with one.
func interrupted(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrInterrupted) {
		return cause
	}
	return ErrInterrupted
}

// StallError is the watchdog's finding: nothing progressed for Idle.
type StallError struct {
	Idle    time.Duration
	Explain string // who was last heard doing what, or the scenario's own account
	Stuck   bool   // the scenario did not even stop when told to
}

func (s *StallError) Error() string {
	msg := fmt.Sprintf("watchdog: no progress for %s; %s", ev.Dur(s.Idle), s.Explain)
	if s.Stuck {
		msg += " (the scenario did not stop when told to)"
	}
	return msg
}

// Stalled reports whether ctx was ended by the watchdog, and why. A
// scenario that deadlocks on purpose checks this to turn the stall into its
// lesson instead of an error.
func Stalled(ctx context.Context) (*StallError, bool) {
	var s *StallError
	ok := errors.As(context.Cause(ctx), &s)
	return s, ok
}

// HeaderFor describes d run with cfg.
func HeaderFor(d Demo, cfg Config) ev.Header {
	h := ev.Header{Demo: d.Name, ID: d.ID, Title: d.Title, Python: d.Python, Go: d.Go, Seed: cfg.Seed, Speed: cfg.Speed}
	if cfg.Knobs != nil {
		h.Params = cfg.Knobs.Given()
		h.Knobs = cfg.Knobs.Values()
	}
	return h
}

// Execute runs d for real under the watchdog and renders it with out. It
// returns the result and the wall time, or an error: ErrInterrupted when
// ctx ended (the Interrupt that ended it, if any), a *StallError when the
// watchdog gave up, a *ui.WriteError when the output could not be written
// (a full disk, a closed pipe: the run stops at once), or whatever Run
// returned.
func Execute(ctx context.Context, d Demo, cfg Config, out ui.Renderer) (ev.Result, time.Duration, error) {
	if cfg.Knobs == nil {
		cfg.Knobs = d.Bind()
	}
	if cfg.Grace <= 0 {
		cfg.Grace = time.Second
	}
	if cfg.Watchdog <= 0 {
		cfg.Watchdog = 3 * time.Second
	}
	h := HeaderFor(d, cfg)
	out.Begin(h)
	rec := ui.NewRecorder(out)
	env := newEnv(cfg.Seed, cfg.Speed, rec).withQuiet(cfg.Quiet)

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: fmt.Errorf("scenario crashed: %v", p)}
			}
		}()
		res, err := cfg.Knobs.run(runCtx, env)
		done <- outcome{res, err}
	}()

	res, err := watch(ctx, env, cfg, out, cancel, done)
	wall := rec.Since()
	// No child process outlives its run, whatever the scenario did.
	cancel(nil)
	if stuck := env.children.reap(2 * time.Second); len(stuck) > 0 && err == nil {
		err = fmt.Errorf("%d child process(es) would not die, first %s (pid %d)", len(stuck), stuck[0].Name, stuck[0].Pid)
	}
	if err != nil {
		rec.Close(func() { out.Fail(h, err.Error(), ExitCode(err)) })
		return res, wall, err
	}
	if cfg.Answers != nil {
		res.Quiz = cfg.Knobs.Grade(res, cfg.Answers)
	}
	rec.Close(func() { out.End(h, res, wall) })
	// The result line is the run's point: if it, or anything before it,
	// could not be written, the run failed.
	if err := out.Err(); err != nil {
		return res, wall, err
	}
	return res, wall, nil
}

type outcome struct {
	res ev.Result
	err error
}

// watch waits for the scenario while polling for progress and for a failed
// write to the output.
func watch(ctx context.Context, env *Env, cfg Config, out ui.Renderer, cancel context.CancelCauseFunc, done <-chan outcome) (ev.Result, error) {
	poll := min(cfg.Watchdog/10, 100*time.Millisecond)
	tick := time.NewTicker(poll)
	defer tick.Stop()
	last, _ := env.progress()
	quietSince := time.Now()
	// stop tells the scenario to end and gives it cfg.Grace to do so.
	stop := func(cause error) (ev.Result, error) {
		cancel(cause)
		g := time.NewTimer(cfg.Grace)
		defer g.Stop()
		select {
		case o := <-done:
			if _, stall := cause.(*StallError); stall && o.err == nil {
				return o.res, nil // the scenario turned the stall into its lesson
			}
			return o.res, cause
		case <-g.C:
			if s, ok := cause.(*StallError); ok {
				s.Stuck = true
			}
			return ev.Result{}, cause
		}
	}
	for {
		select {
		case o := <-done:
			if o.err != nil && ctx.Err() != nil {
				// The scenario saw Ctrl-C before this loop did.
				return o.res, interrupted(ctx)
			}
			return o.res, o.err
		case <-ctx.Done():
			return stop(interrupted(ctx))
		case <-tick.C:
			if p, ok := out.(interface{ Probe() error }); ok {
				_ = p.Probe() // a closed pipe shows here, even if the run prints nothing for a while
			}
			if err := out.Err(); err != nil {
				// Nobody can see the run any more (a closed pipe, a full
				// disk): stop it, and clean up as after Ctrl-C.
				return stop(err)
			}
			n, sleeping := env.progress()
			if n != last || sleeping {
				last, quietSince = n, time.Now()
				continue
			}
			if idle := time.Since(quietSince); idle >= cfg.Watchdog {
				return stop(&StallError{Idle: idle, Explain: explain(env)})
			}
		}
	}
}

func explain(env *Env) string {
	if f := env.onStall.Load(); f != nil {
		return (*f)()
	}
	var parts []string
	now := env.Now()
	for _, e := range env.rec.LastHeard() {
		if e.Actor == "" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s last said %q %s ago", e.Actor, e.Msg, ev.Dur(now-e.T)))
	}
	if len(parts) == 0 {
		return "no actor ever reported anything"
	}
	return strings.Join(parts, "; ")
}
