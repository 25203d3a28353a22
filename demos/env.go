package demos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Env is what a running scenario may use: a story clock scaled by --speed,
// randomness seeded by --seed, and the one event path. (Its knobs are the
// fields of its options, handed to Run.)
type Env struct {
	Seed  int64
	Speed float64
	// Rand is seeded by --seed. It is not safe for concurrent use: draw from
	// it in the scenario's own goroutine, or give each worker NewRand(i).
	Rand *rand.Rand

	rec      *ui.Recorder
	beats    atomic.Uint64
	sleepers atomic.Int64
	onStall  atomic.Pointer[func() string]
	children children // child processes started through Spawn/NewPool

	// asleepUntil is when the latest sleep a child process announced ends
	// (Unix ns): until then the run counts as sleeping, like a goroutine
	// in Sleep.
	asleepUntil atomic.Int64

	quietMode Quiet       // --quiet as given (see quiet.go)
	quiet     atomic.Bool // Detail events are left out
	hidden    atomic.Int64
}

func newEnv(seed int64, speed float64, rec *ui.Recorder) *Env {
	return &Env{Seed: seed, Speed: speed, Rand: NewRand(seed, 0), rec: rec}
}

// withQuiet sets the run's --quiet mode.
func (e *Env) withQuiet(q Quiet) *Env {
	e.quietMode = q
	e.quiet.Store(q == QuietOn)
	return e
}

// NewRand returns a generator for one stream of a seed: the same seed and
// stream always give the same numbers.
func NewRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^stream))
}

// NewRand gives worker i its own generator derived from --seed, so workers
// can draw concurrently and a run still replays exactly.
func (e *Env) NewRand(i int) *rand.Rand { return NewRand(e.Seed, uint64(i)+1) }

// Emit sends an event down the one event path.
func (e *Env) Emit(x ev.Event) { x.T = 0; e.rec.Emit(x) }

// Log emits an event from actor; kv are attribute pairs ("n", 5, ...).
func (e *Env) Log(actor string, kind ev.Kind, msg string, kv ...any) {
	ev := ev.Event{Actor: actor, Kind: kind, Msg: msg}
	if len(kv) > 0 {
		ev.Attrs = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			ev.Attrs[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	e.rec.Emit(ev)
}

// Logf is Log with a formatted message and no attributes.
func (e *Env) Logf(actor string, kind ev.Kind, format string, args ...any) {
	e.rec.Emit(ev.Event{Actor: actor, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// Phase announces a new part of the scenario.
func (e *Env) Phase(msg string) { e.rec.Emit(ev.Event{Actor: "", Kind: ev.Phase, Msg: msg}) }

// Story converts story seconds (the cookbook's durations) to real time.
func (e *Env) Story(seconds float64) time.Duration {
	return time.Duration(seconds / e.Speed * float64(time.Second))
}

// Sleep waits story seconds, or until ctx ends. A sleeping scenario counts
// as alive for the watchdog: it will wake by itself.
func (e *Env) Sleep(ctx context.Context, seconds float64) error {
	e.sleepers.Add(1)
	defer func() { e.sleepers.Add(-1); e.beats.Add(1) }()
	t := time.NewTimer(e.Story(seconds))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return Stopped(ctx)
	}
}

// SleepUntil waits until story second at of the scenario's own clock (0 is
// its start), or until ctx ends. Scheduling against the clock instead of
// chaining Sleeps keeps a periodic actor (a light, an arrival schedule)
// from drifting behind when each sleep overshoots a little, which at high
// --speed adds up.
func (e *Env) SleepUntil(ctx context.Context, at float64) error {
	return e.Sleep(ctx, max(0, at-e.Now().Seconds()*e.Speed))
}

// Now is the time since the scenario started, on the same clock as event
// stamps. Use it to measure (a wait, a skew), not to decide.
func (e *Env) Now() time.Duration { return e.rec.Since() }

// Beat tells the watchdog that work is progressing without an event. It
// is one atomic add: call it every few thousand iterations of a hot loop,
// never every iteration.
func (e *Env) Beat() { e.beats.Add(1) }

// OnStall sets how the scenario explains itself if the watchdog fires: who
// holds what, who waits for what. The default lists each actor's last event.
func (e *Env) OnStall(explain func() string) { e.onStall.Store(&explain) }

// childSleeps notes that a child process has started a sleep of d: it is
// alive, and wakes by itself.
func (e *Env) childSleeps(d time.Duration) {
	until := time.Now().Add(d).UnixNano()
	for {
		cur := e.asleepUntil.Load()
		if until <= cur || e.asleepUntil.CompareAndSwap(cur, until) {
			break
		}
	}
	e.beats.Add(1)
}

// progress is what the watchdog polls: a count that moves while the run
// makes progress, and whether anything (a goroutine in Sleep, a child
// process in Self.Sleep) is asleep and will wake by itself.
func (e *Env) progress() (uint64, bool) {
	sleeping := e.sleepers.Load() > 0 || time.Now().UnixNano() < e.asleepUntil.Load()
	return e.rec.Count() + e.beats.Load(), sleeping
}
