// Package asyncloop is scenario A1: an event loop running callbacks that
// chain each other with call_soon and call_later, on the loop's own clock.
package asyncloop

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
)

//go:embed lesson.md
var lesson string

// The cookbook's numbers: the callbacks chain 1 story-second apart and the
// loop is to stop 9 story-seconds after it started.
const (
	gap = 1.0
	// lateShown is how late (story seconds) a callback may run and still
	// count as on time: well above a loaded machine's jitter at --speed 10.
	lateShown = 0.25
)

// Options are the scenario's knobs.
type Options struct {
	Until float64 // story seconds after which the callbacks stop the loop
}

// Metrics are what the scenario measured.
type Metrics struct {
	Until      float64   `json:"until"`       // --until: the loop is to stop this many story seconds after it started
	End        float64   `json:"end"`         // the end as the callbacks see it: loop.time() at the start + --until
	Callbacks  int       `json:"callbacks"`   // callbacks that ran
	Order      []string  `json:"order"`       // which callback ran, in order
	Times      []float64 `json:"times"`       // the loop time (story seconds) at which each one ran
	StoppedAt  float64   `json:"stopped_at"`  // loop time when the loop stopped
	MaxLate    float64   `json:"max_late"`    // the most a callback ran after its due time, in story seconds
	MaxHolders int       `json:"max_holders"` // most goroutines ever running loop code at once: 1
	Tolerance  float64   `json:"tolerance_s"` // how late a callback may run and count as on time: 0.25 story-seconds or 15 ms of real time, the larger
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async loop", ID: "A1",
		Title: "An event loop runs one callback at a time, when each falls due",
		Speed: 5, // pacing (issue 13): the default run takes 1–6 s (about 9 story-s)
		// Timers on a loaded machine lag a few ms each, 10–40 ms now and
		// then, whatever the speed. Each callback schedules the next from
		// its own (late) time, so the lags add up, and "as many as fit
		// before the end" allows 1 story-second of them in all: 20 ms at
		// 50× (lost on a loaded machine in 1 run of 15 to 1 of 2), 200 ms
		// at 5×. Each lag is also judged against ¼ story-second.
		MaxSpeed: 5,
		Python:   "loop.call_soon, loop.call_later, loop.time, loop.run_forever / loop.stop",
		Go:       "no event loop: goroutines and time.AfterFunc; this loop is a model (internal/loop)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Float(&o.Until, "until", "story seconds after which the callbacks stop the loop (the cookbook: 9)", 9, 1, 60)
		},
		Explain: lesson,
		Lesson:  []string{"demos/asyncloop/asyncloop.go", "internal/loop/loop.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "on time", Class: demos.Interesting, Desc: "every callback ran in turn, about 1 story-second apart, and the last stopped the loop",
				When: func(o *Options, m Metrics) bool { return chained(m) && onTime(o, m) }},
			{Name: "late", Class: demos.Acceptable, Desc: "a correct chain, but the machine ran callbacks late (too busy for this --speed)",
				When: func(o *Options, m Metrics) bool { return chained(m) }},
			{Name: "wrong chain", Class: demos.Forbidden, Desc: "callbacks out of turn, a stop too early or too late, or two at once",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Run:  run,
		Quiz: quiz,
	}.Demo()
}

// expected is how many callbacks run before one finds the next would
// come at or after the end: those due at 0, 1, … up to ⌈until⌉ − 1.
func expected(until float64) int { return int(math.Ceil(until/gap - 1e-9)) }

// The three callbacks of the cookbook: each reports the loop's time and,
// if one more second still fits before the end, schedules the next one a
// second later; otherwise it stops the loop. (The cookbook's function_2
// forgets the stop: see the lesson.)
type chain struct {
	env   *demos.Env
	l     *loop.Loop
	end   float64
	names []string
	order []string
	times []float64
	due   []float64
}

func (c *chain) callback(i int) func() {
	return func() {
		now := c.l.Time()
		c.order, c.times = append(c.order, c.names[i]), append(c.times, now)
		c.env.Log(c.l.Holder(), ev.Step, fmt.Sprintf("%s called at loop time %.2f", c.names[i], now), "fn", c.names[i], "loop_time", round(now))
		if now+gap < c.end {
			next := (i + 1) % len(c.names)
			c.due = append(c.due, now+gap)
			c.l.CallLater(gap, c.callback(next))
			return
		}
		c.env.Log(c.l.Holder(), ev.Done, fmt.Sprintf("%s: %.2f + %g is not before the end %.2f, so it stops the loop", c.names[i], now, gap, c.end))
		c.l.Stop()
	}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	l := asyncenv.Loop(env)
	c := &chain{env: env, l: l, end: l.Time() + o.Until, names: []string{"function_1", "function_2", "function_3"}}
	env.Logf("main", ev.Start, "end = loop.time() + %g = %.2f; call_soon(function_1); run_forever()", o.Until, c.end)
	c.due = append(c.due, l.Time())
	l.CallSoon(c.callback(0))
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	stopped := l.Time()
	env.Logf("main", ev.Done, "run_forever() returned at loop time %.2f", stopped)
	m := Metrics{Until: o.Until, End: round(c.end), Callbacks: len(c.order), Order: c.order, Times: roundAll(c.times),
		StoppedAt: round(stopped), MaxHolders: l.Stats().MaxHolders, Tolerance: round(asyncenv.Tolerance(env, lateShown, 15*time.Millisecond))}
	for i, t := range c.times {
		m.MaxLate = max(m.MaxLate, round(t-c.due[i]))
	}
	return conclude(env, o, m), nil
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

func roundAll(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = round(x)
	}
	return out
}

// chained: the callbacks ran in turn (1, 2, 3, 1, …), one at a time;
// each but the last found one more second before the end and scheduled
// the next, and the last did not, and stopped the loop when it ran.
func chained(m Metrics) bool {
	if m.MaxHolders != 1 || len(m.Times) == 0 || len(m.Order) != len(m.Times) || m.Callbacks != len(m.Times) {
		return false
	}
	for i, name := range m.Order {
		if name != fmt.Sprintf("function_%d", i%3+1) {
			return false
		}
		// The metrics are rounded to the millisecond: allow for it.
		last := i == len(m.Times)-1
		if !last && m.Times[i]+gap >= m.End+0.002 || last && m.Times[i]+gap < m.End-0.002 {
			return false
		}
	}
	return m.StoppedAt >= m.Times[len(m.Times)-1]
}

// onTime: no callback ran later than the tolerance after it was due, so
// as many ran as fit before the end.
func onTime(o *Options, m Metrics) bool {
	return m.MaxLate <= m.Tolerance && m.Callbacks == expected(o.Until)
}

// conclude checks every claim: the chain (order, count, the stop) and the
// pace (each callback about a story-second after the one before).
func conclude(env *demos.Env, o *Options, m Metrics) ev.Result {
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: "loop ran for", D: env.Story(m.StoppedAt)}}}
	switch {
	case m.MaxHolders != 1:
		res.Verdict = fmt.Sprintf("%d goroutines ran loop code at once: the loop is broken", m.MaxHolders)
	case !chained(m):
		res.Verdict = fmt.Sprintf("the chain broke: %d callbacks ran in the order %s at %v, with the end at %.2f", m.Callbacks, strings.Join(m.Order, ", "), m.Times, m.End)
	case !onTime(o, m):
		res.Verdict = fmt.Sprintf("%d callbacks chained correctly, but one ran %.2f story-seconds after it was due (so %d fit before the end, not %d): the machine could not keep this pace",
			m.Callbacks, m.MaxLate, m.Callbacks, expected(o.Until))
		res.Hint = "a lower --speed, or a less busy machine"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d callbacks ran one at a time, each %g story-second after the one before (at most %.2f late), and the last stopped the loop at %.2f, before the end at %.2f",
			m.Callbacks, gap, m.MaxLate, m.StoppedAt, m.End)
	}
	return res
}
