// Package coroutineswitch is scenario C2: two coroutines hand control to
// each other explicitly (play 1, eat 1, play 2, eat 2, …), so the order
// is fixed by the program, not by a scheduler.
package coroutineswitch

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/coro"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The cookbook's cast: Bruce plays, Alvin eats. Each turn takes 1
// story-second (the cookbook's turns take no time at all; a second makes
// the hand-over visible, and shows that it buys no overlap).
const (
	player = "Bruce"
	eater  = "Alvin"
	turn   = 1.0
)

// Options are the scenario's knobs.
type Options struct {
	Times int // turns each, play and eat
}

// Metrics are what the scenario measured.
type Metrics struct {
	Times            int     `json:"times"`              // turns each coroutine took, in each part
	GreenletOrderOK  bool    `json:"greenlet_order_ok"`  // part A ran exactly play 1, eat 1, play 2, eat 2, …
	GoroutineOrderOK bool    `json:"goroutine_order_ok"` // part B (goroutines and a baton channel) ran exactly that order too
	MaxActive        int     `json:"max_active"`         // most turns in progress at one moment, over both parts; 1 means never two at once
	Switches         int     `json:"switches"`           // hand-overs between Bruce and Alvin in part A
	LeftSuspended    bool    `json:"left_suspended"`     // part A: Bruce was still suspended in a switch when Alvin finished
	GreenletWallMs   float64 `json:"greenlet_wall_ms"`   // part A's wall time
	GoroutineWallMs  float64 `json:"goroutine_wall_ms"`  // part B's wall time
	ExpectedMs       float64 `json:"expected_ms"`        // 2 × times turns of 1 story-second each, one after another
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "coroutine switch", ID: "C2",
		Title:   "Two coroutines hand control to each other explicitly: the order is the program's",
		Python:  "greenlet.switch()",
		Go:      "goroutines passing a baton on unbuffered channels (iter.Pull for a coroutine proper)",
		Explain: lesson,
		Lesson:  []string{"demos/coroutineswitch/coroutineswitch.go", "internal/coro/greenlet.go", "internal/coro/coro.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Times, "times", "turns each: Bruce plays, Alvin eats (the cookbook: 3)", 3, 1, 20)
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// tracker records the order of turns and how many are in progress at
// once. Only one turn runs at a time in both parts, but part B's turns
// run on two goroutines, so the count is atomic; the order slice is
// appended to by whoever holds the baton, and the baton's channel
// operations order those appends.
type tracker struct {
	order     []string
	active    atomic.Int32
	maxActive atomic.Int32
}

// takeTurn is one turn: it is announced, takes 1 story-second, and
// counts as in progress meanwhile.
func (tr *tracker) takeTurn(ctx context.Context, env *demos.Env, who, what string, i int) error {
	n := tr.active.Add(1)
	defer tr.active.Add(-1)
	for m := tr.maxActive.Load(); n > m && !tr.maxActive.CompareAndSwap(m, n); m = tr.maxActive.Load() {
	}
	tr.order = append(tr.order, fmt.Sprintf("%s %d", what, i))
	env.Logf(who, ev.Step, "%s %d", what, i)
	return env.Sleep(ctx, turn)
}

// greenlets is part A, the cookbook's program: Bruce plays, then
// switches to Alvin (passing Alvin his name, which starts him); Alvin
// eats, then switches back; and so on. Whoever runs keeps control until
// it switches: there is no scheduler to take it away.
func greenlets(ctx context.Context, env *demos.Env, n int, tr *tracker) (switches int, suspended bool, err error) {
	var hub coro.Hub[string]
	defer hub.Close() // unwinds Bruce, left parked in his last switch
	var play, eat *coro.Greenlet[string]
	play = hub.Spawn(player, func(g *coro.Greenlet[string], name string) {
		for i := 1; i <= n && err == nil; i++ {
			if err = tr.takeTurn(ctx, env, name, "play", i); err != nil {
				return
			}
			switches++
			g.Switch(eat, eater) // only the first switch starts Alvin; later ones just resume him
		}
	})
	eat = hub.Spawn(eater, func(g *coro.Greenlet[string], name string) {
		for i := 1; i <= n; i++ {
			if err = tr.takeTurn(ctx, env, name, "eat", i); err != nil {
				return
			}
			if i < n {
				switches++
				g.Switch(play, "")
			}
		}
		// Returning hands control to the parent: main's Switch returns.
	})
	hub.Switch(play, player)
	if err != nil {
		return 0, false, err
	}
	suspended = slices.Equal(hub.Suspended(), []string{player})
	if suspended {
		env.Logf("main", ev.Note, "%s finished, so control came back to main; %s is still parked in his last switch (unwound at exit)", eater, player)
	}
	return switches, suspended, nil
}

// goroutines is part B, the Go idiom: two goroutines and a baton. Each
// waits to receive the baton, takes its turn, and sends the baton on.
// Unbuffered channels make every hand-over a meeting point, so the order
// is as fixed as in part A, with no coroutine library at all.
func goroutines(ctx context.Context, env *demos.Env, n int, tr *tracker) error {
	toPlay, toEat := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
	// pass hands the baton on, unless the run is ending.
	pass := func(to chan<- struct{}) bool {
		select {
		case to <- struct{}{}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	wait := func(from <-chan struct{}) bool {
		select {
		case <-from:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		for i := 1; i <= n; i++ {
			if !wait(toPlay) {
				errs <- demos.Stopped(ctx)
				return
			}
			if err := tr.takeTurn(ctx, env, player, "play", i); err != nil {
				errs <- err
				return
			}
			if !pass(toEat) {
				errs <- demos.Stopped(ctx)
				return
			}
		}
		errs <- nil
	}()
	go func() {
		for i := 1; i <= n; i++ {
			if !wait(toEat) {
				errs <- demos.Stopped(ctx)
				return
			}
			if err := tr.takeTurn(ctx, env, eater, "eat", i); err != nil {
				errs <- err
				return
			}
			if i < n && !pass(toPlay) {
				errs <- demos.Stopped(ctx)
				return
			}
		}
		errs <- nil
	}()
	var err error
	if !pass(toPlay) { // main hands the baton to Bruce first
		err = demos.Stopped(ctx)
	}
	// Both goroutines end on every path (each select also watches ctx),
	// so both are collected before the part returns.
	for range 2 {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	return err
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	n := o.Times
	want := expected(n)

	env.Phase("A: greenlets — Bruce and Alvin switch to each other by name, on one thread")
	a := &tracker{}
	begin := env.Now()
	switches, suspended, err := greenlets(ctx, env, n, a)
	if err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	wallA := env.Now() - begin

	env.Phase("B: two goroutines pass a baton on unbuffered channels")
	b := &tracker{}
	begin = env.Now()
	if err := goroutines(ctx, env, n, b); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	wallB := env.Now() - begin

	m := Metrics{
		Times:            n,
		GreenletOrderOK:  slices.Equal(a.order, want),
		GoroutineOrderOK: slices.Equal(b.order, want),
		MaxActive:        int(max(a.maxActive.Load(), b.maxActive.Load())),
		Switches:         switches,
		LeftSuspended:    suspended,
		GreenletWallMs:   ev.Ms(wallA),
		GoroutineWallMs:  ev.Ms(wallB),
		ExpectedMs:       ev.Ms(env.Story(2 * float64(n) * turn)),
	}
	return conclude(m, env.Speed), nil
}

// expected is the one order both parts must produce.
func expected(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("play %d", i), fmt.Sprintf("eat %d", i))
	}
	return out
}

// slack is how far past the expected time a part may end and still count
// as on pace: the sleeps never end early, so only lateness is possible.
func slack(expectedMs float64) float64 { return max(0.25*expectedMs, 15) }

// conclude checks every claim of the lesson: the exact order in both
// parts, never two turns at once, Bruce left suspended, and each part
// lasting the sum of its turns (hand-overs overlap nothing).
func conclude(m Metrics, speed float64) ev.Result {
	res := ev.Result{
		Metrics: m,
		Timing: []ev.Timing{
			{Label: "A: greenlets", D: msDur(m.GreenletWallMs)},
			{Label: "B: goroutines and a baton", D: msDur(m.GoroutineWallMs)},
			{Label: fmt.Sprintf("expected: %d turns of %g story-s, one after another", 2*m.Times, turn), D: msDur(m.ExpectedMs)},
		},
	}
	storyS := func(ms float64) string { return ev.Float(ms / 1000 * speed) }
	late := max(m.GreenletWallMs, m.GoroutineWallMs) - m.ExpectedMs
	switch {
	case !m.GreenletOrderOK || !m.GoroutineOrderOK:
		res.Verdict = fmt.Sprintf("the turns ran out of order (greenlets in order: %v, goroutines in order: %v), which an explicit hand-over forbids: a bug in pardemo", m.GreenletOrderOK, m.GoroutineOrderOK)
	case m.MaxActive != 1:
		res.Verdict = fmt.Sprintf("%d turns were in progress at once, where a hand-over leaves exactly one running: a bug in pardemo", m.MaxActive)
	case !m.LeftSuspended:
		res.Verdict = "Bruce was not left suspended when Alvin finished, as greenlet leaves him: a bug in pardemo"
	case late > slack(m.ExpectedMs):
		res.Verdict = fmt.Sprintf("the order was exact, but the parts took %s and %s story-s instead of %s: the machine could not keep the pace",
			storyS(m.GreenletWallMs), storyS(m.GoroutineWallMs), storyS(m.ExpectedMs))
		res.Hint = "a lower --speed, or a less busy machine"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("play and eat alternated exactly (%d turns each, %d switches), greenlets and goroutines alike, never two at once; each part took %s story-s, the sum of its turns",
			m.Times, m.Switches, storyS(max(m.GreenletWallMs, m.GoroutineWallMs)))
	}
	return res
}

func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "alternated exactly", Class: demos.Acceptable, Desc: "play 1, eat 1, play 2, …, one at a time, in both parts",
		When: func(o *Options, m Metrics) bool {
			return m.GreenletOrderOK && m.GoroutineOrderOK && m.MaxActive == 1 && m.LeftSuspended
		}},
	{Name: "out of order", Class: demos.Forbidden, Desc: "an explicit hand-over ran the turns in another order, or two at once",
		When: func(o *Options, m Metrics) bool { return true }},
}
