// Package threadtimer is scenario T4: run something later with a timer,
// cancel a timer before it fires, and watch a self-re-arming timer whose
// callbacks are slower than its interval pile up.
package threadtimer

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// Story seconds: timer-1 fires after 1; timer-2 would fire after 1.5 but
// is stopped first; part 1 ends at 2, safely past timer-2's deadline.
// The greeter greets every second.
const (
	onceAfter   = 1.0
	cancelAfter = 1.5
	part1Ends   = 2.0
	interval    = 1.0
)

// Options are the scenario's knobs.
type Options struct {
	Ticks int  // greetings before main stops the repeating timer
	Work  int  // story-seconds each greeting's callback works
	Drain bool // let the live callbacks finish their work at the end instead of cancelling it
}

// Metrics are what the scenario measured.
type Metrics struct {
	Ticks              int     `json:"ticks"`               // greetings of the self-re-arming timer before main stopped it (--ticks)
	MaxLive            int     `json:"max_live"`            // the most callbacks alive at once: above 1 means a backlog
	LivePerTick        []int   `json:"live_per_tick"`       // callbacks alive as each greeting began: [1,2,3,…] when the work outlasts the interval
	FiredOnce          bool    `json:"fired_once"`          // timer-1 fired exactly once
	FiredAtMs          float64 `json:"fired_at_ms"`         // when timer-1 fired, after it was armed
	FiredOnTime        bool    `json:"fired_on_time"`       // timer-1 fired about 1 story-second after it was armed (within a quarter, 2ms at least)
	CancelledStopped   bool    `json:"cancelled_stopped"`   // timer-2's Stop() returned true and its function never ran
	Level              int     `json:"level"`               // where the backlog levels off: work ÷ interval, rounded up (max_live may pass it by one for an instant)
	StoppedPending     bool    `json:"stopped_pending"`     // Stop() on the greeter's already armed next timer returned true
	LiveAtStop         int     `json:"live_at_stop"`        // callbacks still working when main stopped the greeter
	FinishedCallbacks  int     `json:"finished_callbacks"`  // callbacks that finished their work
	CancelledCallbacks int     `json:"cancelled_callbacks"` // callbacks whose work main cancelled: with finished_callbacks they add up to ticks
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "thread timer", ID: "T4",
		Speed:  4, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "Timers run a function later; a slow repeating one piles up callbacks",
		Python: "threading.Timer",
		Go:     "time.AfterFunc (Stop cancels it); time.Ticker for a steady beat",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Ticks, "ticks", "greetings before main stops the repeating timer", 5, 1, 20)
			k.Int(&o.Work, "work", "story-seconds each greeting's callback works (sleeps)", 10, 0, 20)
			k.Bool(&o.Drain, "drain", "at the end, let the live callbacks finish their work instead of cancelling it")
		},
		Explain:  lesson,
		Lesson:   []string{"demos/threadtimer/threadtimer.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	env.Phase("1. a one-shot timer, and a timer stopped before it fires")
	one, err := oneShots(ctx, env)
	if err != nil {
		return ev.Result{}, err
	}

	ticks, work := o.Ticks, float64(o.Work)
	env.Phase(fmt.Sprintf("2. a timer that re-arms itself every %g story-second; each greeting then works %g story-seconds", interval, work))
	// The callbacks' work runs under its own context, so main can cut it
	// short at the end without ending the run.
	workCtx, cancelWork := context.WithCancel(ctx)
	defer cancelWork()
	g := &greeter{env: env, ctx: workCtx, work: work, want: ticks, reached: make(chan struct{})}
	g.start()
	select {
	case <-g.reached:
	case <-ctx.Done():
	}
	pending := g.stop()
	liveAtStop := g.liveNow()
	if ctx.Err() == nil {
		env.Log("main", ev.Step, fmt.Sprintf("after %d greetings: stops the repeating timer; Stop() on the already armed next greeting = %v", ticks, pending),
			"stopped", pending)
		if o.Drain {
			env.Log("main", ev.Wait, fmt.Sprintf("waits for the %d live callbacks to finish their work", liveAtStop))
		} else {
			env.Log("main", ev.Step, fmt.Sprintf("cancels the work of the %d live callbacks", liveAtStop))
			cancelWork()
		}
	}
	g.calls.Wait() // every armed or running callback is accounted for: nothing leaks
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	env.Log("main", ev.Done, fmt.Sprintf("all callbacks have returned: %d finished their work, %d were cancelled", g.finished, g.cancelled))
	return conclude(env.Speed, one, g, pending, liveAtStop), nil
}

// oneShotResult is what part 1 observed.
type oneShotResult struct {
	fires     int           // times timer-1's callback ran
	firedAt   time.Duration // when, after it was armed
	stopped   bool          // timer-2.Stop() returned true
	stopAgain bool          // timer-1.Stop() after it fired
	ran2      bool          // timer-2's callback ran anyway
}

func oneShots(ctx context.Context, env *demos.Env) (oneShotResult, error) {
	var r oneShotResult
	begin := env.Now()
	var fires atomic.Int32
	fired := make(chan time.Duration, 1)
	// time.AfterFunc runs the function in its own goroutine once the time
	// is up: Python's threading.Timer(1, hello).start().
	t1 := time.AfterFunc(env.Story(onceAfter), func() {
		fires.Add(1)
		env.Log("timer-1", ev.Step, "fires: hello, once")
		fired <- env.Now() - begin
	})
	var ran2 atomic.Bool
	t2 := time.AfterFunc(env.Story(cancelAfter), func() {
		ran2.Store(true)
		env.Log("timer-2", ev.Warn, "fires: main did not stop it in time")
	})
	env.Log("main", ev.Start, fmt.Sprintf("arms timer-1 (%g story-s) and timer-2 (%g story-s)", onceAfter, cancelAfter))

	// Main changes its mind about timer-2 at once. Stop reports whether
	// it stopped the timer before it fired: true means the callback will
	// never run.
	r.stopped = t2.Stop()
	msg := "stopped before it fired"
	if !r.stopped {
		msg = "too late, it has already fired"
	}
	env.Log("main", ev.Step, fmt.Sprintf("timer-2.Stop() = %v: %s", r.stopped, msg), "stopped", r.stopped)
	select {
	case r.firedAt = <-fired:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		if !t1.Stop() && r.firedAt == 0 {
			<-fired // it is firing right now: let its callback finish
		}
		return r, demos.Stopped(ctx)
	}
	r.stopAgain = t1.Stop()
	env.Log("main", ev.Step, fmt.Sprintf("timer-1.Stop() = %v: too late, it has fired", r.stopAgain), "stopped", r.stopAgain)
	if err := env.SleepUntil(ctx, begin.Seconds()*env.Speed+part1Ends); err != nil {
		return r, err
	}
	r.fires, r.ran2 = int(fires.Load()), ran2.Load()
	if !r.ran2 {
		env.Log("main", ev.Step, fmt.Sprintf("%g story-s in, past its deadline: timer-2 never fired", part1Ends))
	}
	return r, nil
}

// greeter is a timer that re-arms itself, as the cookbook's greeting does
// with threading.Timer: each callback first schedules the next one, then
// does its own slow work. Callbacks do not wait for each other, so when
// the work outlasts the interval they pile up.
type greeter struct {
	env     *demos.Env
	ctx     context.Context // ends the callbacks' work early
	work    float64         // story seconds of work per callback
	want    int             // greetings until reached is closed
	reached chan struct{}

	mu        sync.Mutex
	stopped   bool
	next      *time.Timer // the armed timer of the next greeting
	ticks     int
	live      int   // callbacks running now
	perTick   []int // live, as each greeting began
	maxLive   int
	finished  int
	cancelled int

	calls sync.WaitGroup // armed or running callbacks
}

func (g *greeter) start() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.arm()
}

// arm schedules the next greeting; g.mu is held. The WaitGroup counts it
// from now on, so main can wait for every callback, even an unfired one.
func (g *greeter) arm() {
	g.calls.Add(1)
	g.next = time.AfterFunc(g.env.Story(interval), g.greet)
}

// greet is the timer's callback.
func (g *greeter) greet() {
	defer g.calls.Done()
	g.mu.Lock()
	if g.stopped {
		// Stop came too late to cancel this timer, but the greeter is
		// stopped: no greeting, and no re-arming.
		g.mu.Unlock()
		return
	}
	g.ticks++
	g.live++
	k, live := g.ticks, g.live
	g.perTick = append(g.perTick, live)
	g.maxLive = max(g.maxLive, live)
	g.env.Log("greeter", ev.Step, fmt.Sprintf("hello #%d — live callbacks: %d", k, live), "tick", k, "live", live)
	g.arm() // re-arm first: the next greeting does not wait for this one's work
	if k == g.want {
		close(g.reached)
	}
	g.mu.Unlock()

	err := g.env.Sleep(g.ctx, g.work) // the slow part of the callback

	g.mu.Lock()
	g.live--
	if err == nil {
		g.finished++
	} else {
		g.cancelled++
	}
	g.mu.Unlock()
	if err == nil {
		g.env.Log(fmt.Sprintf("greeting-%d", k), ev.Done, fmt.Sprintf("finishes its %g story-seconds of work", g.work))
	} else {
		g.env.Log(fmt.Sprintf("greeting-%d", k), ev.Done, "work cancelled")
	}
}

// stop ends the repetition. The lock matters: without it a callback could
// re-arm the timer just after main stopped the old one, and the greeter
// would go on forever. It returns what Stop said about the armed timer.
func (g *greeter) stop() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
	if g.next.Stop() {
		g.calls.Done() // stopped in time: its callback will never run
		return true
	}
	return false
}

func (g *greeter) liveNow() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.live
}

// level is where the backlog levels off: a callback lives work seconds
// and one starts every interval, so at most work ÷ interval are alive
// (one more for an instant when a finish and a start coincide).
func level(work float64) int { return max(1, int(math.Ceil(work/interval))) }

func conclude(speed float64, one oneShotResult, g *greeter, pending bool, liveAtStop int) ev.Result {
	firePace := demos.NewPace(speed, onceAfter, one.firedAt)
	lvl := level(g.work)
	perTick := make([]string, len(g.perTick))
	for i, n := range g.perTick {
		perTick[i] = fmt.Sprint(n)
	}
	cancelledOK := one.stopped && !one.ran2
	res := ev.Result{
		Metrics: Metrics{Ticks: g.ticks, MaxLive: g.maxLive, LivePerTick: g.perTick,
			FiredOnce: one.fires == 1, FiredAtMs: ev.Ms(one.firedAt), CancelledStopped: cancelledOK,
			StoppedPending: pending, LiveAtStop: liveAtStop, Level: lvl, FiredOnTime: firePace.Kept() && !firePace.Early(),
			FinishedCallbacks: g.finished, CancelledCallbacks: g.cancelled},
		Timing: []ev.Timing{{Label: "timer-1 fired after", D: one.firedAt}},
	}
	res.Verdict = fmt.Sprintf("timer-1 fired once after %.2f story-s; timer-2 was stopped in time and never fired; the repeating greeter's live callbacks grew to %d over %d greetings (%s): a backlog, which levels off at %d (work ÷ interval)",
		one.firedAt.Seconds()*speed, g.maxLive, g.ticks, strings.Join(perTick, ", "), lvl)
	switch {
	case one.fires != 1 || (one.stopped && one.ran2):
		res.Verdict = fmt.Sprintf("timer-1 fired %d times; timer-2 stopped: %v, its callback ran: %v — a timer broke its promise: please report it", one.fires, one.stopped, one.ran2)
	case firePace.Early():
		res.Verdict = fmt.Sprintf("timer-1 fired after %.2f story-s, before its %g: please report it", firePace.StoryGot(), onceAfter)
	case g.maxLive > lvl+1:
		res.Verdict = fmt.Sprintf("%d greeter callbacks were alive at once, but a callback of %g story-s started every %g can overlap at most %d others: please report it", g.maxLive, g.work, interval, lvl)
	case !firePace.Kept():
		res.Verdict = fmt.Sprintf("timer-1 should fire after %g story-s: ", onceAfter) + firePace.Behind()
		res.Hint = demos.PaceHint
	case !one.stopped:
		res.Verdict = "timer-2 fired before main could stop it"
		res.Hint = "a lower --speed: at this speed 1.5 story-seconds were too short for main to get there first"
	case g.maxLive <= 1:
		res.Verdict = fmt.Sprintf("timer-1 fired once, timer-2 was stopped in time; the greeter's callbacks never overlapped (at most %d live): each one's work ended before the next greeting", g.maxLive)
		res.Hint = "--work 2 or more and --ticks 3 or more: work longer than the 1-second interval piles up"
	default:
		res.Observed = true
	}
	return res
}
