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
	Values   *Values
	Watchdog time.Duration // end the run after this long without progress
	Grace    time.Duration // how long a stopped scenario may take to return (default 1s)
}

// ErrInterrupted is returned when the caller's context ended (Ctrl-C).
var ErrInterrupted = errors.New("interrupted")

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
	for _, p := range d.Params {
		if cfg.Values.Changed(p.Name) {
			h.Params = append(h.Params, ev.Param{Name: p.Name, Value: cfg.Values.Text(p.Name)})
		}
	}
	return h
}

// Execute runs d for real under the watchdog and renders it with out. It
// returns the result and the wall time, or an error: ErrInterrupted when
// ctx ended, a *StallError when the watchdog gave up, or whatever Run
// returned.
func Execute(ctx context.Context, d Demo, cfg Config, out ui.Renderer) (ev.Result, time.Duration, error) {
	if cfg.Values == nil {
		cfg.Values = NewValues(d.Params)
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
	env := newEnv(cfg.Values, cfg.Seed, cfg.Speed, rec)

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: fmt.Errorf("scenario crashed: %v", p)}
			}
		}()
		res, err := d.Run(runCtx, env)
		done <- outcome{res, err}
	}()

	res, err := watch(ctx, env, cfg, cancel, done)
	wall := rec.Since()
	// No child process outlives its run, whatever the scenario did.
	cancel(nil)
	if stuck := env.children.reap(2 * time.Second); len(stuck) > 0 && err == nil {
		err = fmt.Errorf("%d child process(es) would not die, first %s (pid %d)", len(stuck), stuck[0].Name, stuck[0].Pid)
	}
	if err != nil {
		code := 1
		if errors.Is(err, ErrInterrupted) {
			code = 130
		}
		rec.Close(func() { out.Fail(h, err.Error(), code) })
		return res, wall, err
	}
	rec.Close(func() { out.End(h, res, wall) })
	return res, wall, nil
}

type outcome struct {
	res ev.Result
	err error
}

// watch waits for the scenario while polling for progress.
func watch(ctx context.Context, env *Env, cfg Config, cancel context.CancelCauseFunc, done <-chan outcome) (ev.Result, error) {
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
			if o.err != nil || errors.Is(cause, ErrInterrupted) {
				return o.res, cause
			}
			return o.res, nil // the scenario turned the stall into its lesson
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
				return o.res, ErrInterrupted
			}
			return o.res, o.err
		case <-ctx.Done():
			return stop(ErrInterrupted)
		case <-tick.C:
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
