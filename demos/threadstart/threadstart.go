// Package threadstart is scenario T1: start two workers, in the two styles
// Python offers, and see that starting does not wait while joining waits
// for the slowest worker — not for the sum of them.
package threadstart

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The cookbook's pacing: A speaks every story-second, B every two.
const (
	everyA = 1.0
	everyB = 2.0
)

// Options are the scenario's knobs.
type Options struct {
	Times int // messages each worker prints
}

// Metrics are what the scenario measured.
type Metrics struct {
	Times          int     `json:"times"`            // messages each worker printed per round (--times)
	StartMs        float64 `json:"start_ms"`         // how long main took to start both workers (round 1): starting does not wait
	MainEndedFirst bool    `json:"main_ended_first"` // round 1 (no join): main's "ended" came before either worker's last message
	EndedAheadMs   float64 `json:"ended_ahead_ms"`   // round 1: how long before the last worker's message main said it ended
	JoinedWallMs   float64 `json:"joined_wall_ms"`   // round 2 (join): main's wall time
	JoinedStoryS   float64 `json:"joined_story_s"`   // round 2 (join): main's wall time in story seconds
	LongestStoryS  float64 `json:"longest_story_s"`  // the longest worker's planned time in story seconds: joined_story_s should be near it
	SumStoryS      float64 `json:"sum_story_s"`      // both workers' planned times added up, in story seconds: what joining one by one would cost
	OnPace         bool    `json:"on_pace"`          // round 2 took about longest_story_s (within a quarter, 2ms at least): the machine kept the pace
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "thread start", ID: "T1",
		Title:  "Start workers: start returns at once, join waits for the slowest",
		Python: "threading.Thread(target=f, args=…) or a Thread subclass with run()",
		Go:     "sync.WaitGroup around go f(args…) or go w.Run()",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Times, "times", "messages each worker prints (A every 1 story-second, B every 2)", 5, 1, 10)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/threadstart/threadstart.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

// Style 1 — a worker is a function, started with its arguments:
// Python's Thread(target=speak, args=("A", 1, 5)), Go's `go speak(...)`.
//
// It speaks times times, every every story-seconds after t0 (the story
// second its round began). Sleeping until each beat, rather than chaining
// sleeps, keeps it on schedule at high --speed.
func speak(ctx context.Context, env *demos.Env, name string, every float64, times int, t0 float64) error {
	for i := 1; i <= times; i++ {
		if err := env.SleepUntil(ctx, t0+float64(i)*every); err != nil {
			return err
		}
		env.Log(name, ev.Step, fmt.Sprintf("message %d of %d, every %gs (story %.1fs into the round)",
			i, times, every, storySince(env, t0)), "n", i)
	}
	return nil
}

// Style 2 — a worker is a type with a Run method: Python's subclass of
// Thread that overrides run(). Go needs no base class; `go m.Run(ctx)`
// starts it, and its fields are its arguments.
type Messenger struct {
	Name  string
	Every float64 // story seconds between messages
	Times int
	T0    float64 // story second the round began
	Env   *demos.Env
}

// Run is the worker's body.
func (m *Messenger) Run(ctx context.Context) error {
	for i := 1; i <= m.Times; i++ {
		if err := m.Env.SleepUntil(ctx, m.T0+float64(i)*m.Every); err != nil {
			return err
		}
		m.Env.Log(m.Name, ev.Step, fmt.Sprintf("message %d of %d, every %gs (story %.1fs into the round)",
			i, m.Times, m.Every, storySince(m.Env, m.T0)), "n", i)
	}
	return nil
}

// round is what main measured in one round.
type round struct {
	begin    time.Duration    // main began starting the workers
	started  time.Duration    // how long starting both took
	ended    time.Duration    // main said "ended"
	finished [2]time.Duration // A's and B's last message
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	times := o.Times
	env.Phase("round 1: main starts A and B and does not join them")
	free, err := startRound(ctx, env, times, false)
	if err != nil {
		return ev.Result{}, err
	}
	env.Phase("round 2: main joins A and B before it ends")
	joined, err := startRound(ctx, env, times, true)
	if err != nil {
		return ev.Result{}, err
	}
	return conclude(env.Speed, times, free, joined), nil
}

func startRound(ctx context.Context, env *demos.Env, times int, join bool) (round, error) {
	var r round
	r.begin = env.Now()
	t0 := storySince(env, 0)
	var wg sync.WaitGroup
	var errA, errB error
	// Style 1: a function plus its arguments.
	wg.Go(func() {
		errA = speak(ctx, env, "A", everyA, times, t0)
		r.finished[0] = env.Now()
	})
	// Style 2: a value whose Run method is the body.
	b := &Messenger{Name: "B", Every: everyB, Times: times, T0: t0, Env: env}
	wg.Go(func() {
		errB = b.Run(ctx)
		r.finished[1] = env.Now()
	})
	r.started = env.Now() - r.begin
	env.Log("main", ev.Step, fmt.Sprintf("started A (a function) and B (a type with Run) in %s: starting does not wait for them", ev.Dur(r.started)),
		"start_ms", ev.Ms(r.started))

	if join {
		env.Log("main", ev.Wait, "joins A and B (wg.Wait)")
		wg.Wait()
	}
	r.ended = env.Now()
	env.Log("main", ev.Done, "ended")
	if !join {
		// The honest part: a Go program whose main returns ends at once and
		// takes every goroutine with it. Python instead waits at exit for
		// threads that are not daemons, which is why the cookbook's workers
		// go on printing after main's last line. The demo does what Python
		// does: it keeps A and B and collects them.
		env.Log("main", ev.Note, "a real Go program would exit here and cut A and B off; Python waits for its non-daemon threads at exit. The demo keeps A and B reachable and collects them with wg.Wait after announcing its end, so nothing outlives the run")
		wg.Wait()
		env.Log("main", ev.Step, fmt.Sprintf("collected A and B, %s after it said it ended", ev.Dur(env.Now()-r.ended)))
	}
	return r, cmp.Or(errA, errB)
}

// storySince is the story time now, minus t0 story seconds.
func storySince(env *demos.Env, t0 float64) float64 { return env.Now().Seconds()*env.Speed - t0 }

func conclude(speed float64, times int, free, joined round) ev.Result {
	longest := float64(times) * max(everyA, everyB)
	sum := float64(times) * (everyA + everyB)
	lastFree := max(free.finished[0], free.finished[1])
	mainFirst := free.ended < min(free.finished[0], free.finished[1])
	ahead := lastFree - free.ended
	wall := joined.ended - joined.begin
	storyWall := wall.Seconds() * speed
	joinedLast := joined.ended >= max(joined.finished[0], joined.finished[1])
	pace := demos.NewPace(speed, longest, wall) // with join: about the longest worker

	tb := ev.Table{Title: "workers", Header: []string{"worker", "style", "every", "round 1: last message", "round 2: last message"}}
	styles := [2]string{"function + args", "type with Run"}
	for i, name := range []string{"A", "B"} {
		tb.Rows = append(tb.Rows, []string{name, styles[i], fmt.Sprintf("%gs", []float64{everyA, everyB}[i]),
			"+" + ev.Dur(free.finished[i]-free.begin), "+" + ev.Dur(joined.finished[i]-joined.begin)})
	}
	tb.Rows = append(tb.Rows, []string{"main", "", "", "ended +" + ev.Dur(free.ended-free.begin), "ended +" + ev.Dur(wall)})

	res := ev.Result{
		Metrics: Metrics{Times: times, StartMs: ev.Ms(free.started), MainEndedFirst: mainFirst,
			EndedAheadMs: ev.Ms(ahead), JoinedWallMs: ev.Ms(wall), JoinedStoryS: round2(storyWall),
			LongestStoryS: longest, SumStoryS: sum, OnPace: pace.Kept()},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{
			{Label: "starting A and B", D: free.started},
			{Label: "round 1: main ended ahead of the last worker by", D: ahead},
			{Label: "round 2: wall time with join", D: wall},
		},
	}
	res.Verdict = fmt.Sprintf("with join, main ended after %.1f story-s ≈ the longest worker (%g s), not the sum (%g s); without join, main said it ended %s before the last worker's message",
		storyWall, longest, sum, ev.Dur(ahead))
	switch {
	case !joinedLast:
		res.Verdict = "main ended before a joined worker finished — join did not wait: please report it"
	case !mainFirst:
		res.Verdict = fmt.Sprintf("without join, main's \"ended\" did not come first this time (a worker was done %s earlier); with join: %.1f story-s", ev.Dur(-ahead), storyWall)
		res.Hint = "a lower --speed: at this speed starting the goroutines took longer than a worker's whole run"
	case storyWall >= (longest+sum)/2:
		res.Verdict = fmt.Sprintf("with join, main ended after %.1f story-s: nearer the sum (%g s) than the longest worker (%g s) — the machine could not run A and B side by side", storyWall, sum, longest)
		res.Hint = demos.PaceHint
	case !pace.Kept():
		res.Verdict = fmt.Sprintf("with join, main should end after about the longest worker (%g story-s): ", longest) + pace.Behind()
		res.Hint = demos.PaceHint
	default:
		res.Observed = true
	}
	return res
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
