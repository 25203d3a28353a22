// Package coroutinegenerator is scenario C1, the bun shop: a generator is
// a coroutine you can send values into. The shop sends each customer how
// many buns of a tray are theirs; each customer eats them and sends back
// how many it has eaten so far.
package coroutinegenerator

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/coro"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The cookbook's shop: seven fillings, a tray of each, two customers.
// Making a tray takes 1 story-second, and so does eating a share of one.
var fillings = []string{"scallion", "chive", "cabbage and glass noodle", "pork", "beef", "preserved greens and pork", "red bean"}

var customers = [2]string{"Bruce", "Elvin"}

const (
	makeTray = 1.0
	eatShare = 1.0
)

// Options are the scenario's knobs.
type Options struct {
	Trays int // trays the shop makes, one filling each
	Buns  int // buns on a tray, split between the two customers
}

// Metrics are what the scenario measured.
type Metrics struct {
	Trays       int     `json:"trays"`        // trays made, one per filling
	Buns        int     `json:"buns"`         // buns on each tray
	FirstAte    int     `json:"first_ate"`    // buns the first customer (Bruce) ate, by the shop's count
	SecondAte   int     `json:"second_ate"`   // buns the second customer (Elvin) ate, by the shop's count
	SplitsOK    bool    `json:"splits_ok"`    // every tray was split in full, at least 1 bun each
	TotalsAgree bool    `json:"totals_agree"` // the running totals the customers yielded back matched what the shop sent them
	OrderOK     bool    `json:"order_ok"`     // each tray was eaten, Bruce then Elvin, before the next was made
	WallMs      float64 `json:"wall_ms"`      // the whole run's wall time
	ExpectedMs  float64 `json:"expected_ms"`  // trays × (1 story-s to make + 1 per customer to eat), nothing overlapping
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "coroutine generator", ID: "C1",
		Title:   "A generator is a coroutine you send values into: the bun shop",
		Python:  "a generator driven with next() and send()",
		Go:      "iter.Pull turns a body into a coroutine; coro.New adds send; goroutines and channels are the idiom",
		Explain: lesson,
		Lesson:  []string{"demos/coroutinegenerator/coroutinegenerator.go", "internal/coro/coro.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Trays, "trays", "trays the shop makes, one filling each (the cookbook: all 7)", 7, 1, len(fillings))
			k.Int(&o.Buns, "buns", "buns on a tray, split at random between the two customers", 8, 2, 50)
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// share is what the shop sends into a customer: how many buns of which
// filling are theirs.
type share struct {
	n       int
	filling string
}

// customer is a generator: nothing of it runs until the shop primes it
// with Next. Each Send brings a share in; the customer eats it and yields
// back how many buns it has eaten in all. (The cookbook's customer yields
// a constant the shop ignores; yielding the running total makes the
// conversation go both ways, and lets the shop check it.)
func customer(ctx context.Context, env *demos.Env, name string, trace *[]string) *coro.Coro[share, int] {
	return coro.New(func(yield func(int) share) {
		env.Logf(name, ev.Start, "comes in, ready to eat")
		eaten := 0
		s := yield(eaten) // primed: wait here for the first share
		for {
			if env.Sleep(ctx, eatShare) != nil {
				return // the run is ending: the generator simply stops
			}
			eaten += s.n
			*trace = append(*trace, "ate "+name)
			env.Logf(name, ev.Recv, "ate %d %s buns (%d so far)", s.n, s.filling, eaten)
			s = yield(eaten)
		}
	})
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	begin := env.Now()
	// trace records, in order, what the shop and the customers did. The
	// customers run only inside the shop's Send, so it is appended to by
	// one of them at a time, with no lock.
	var trace []string
	cs := [2]*coro.Coro[share, int]{customer(ctx, env, customers[0], &trace), customer(ctx, env, customers[1], &trace)}
	defer cs[0].Close()
	defer cs[1].Close()
	// Priming: run each body up to its first yield. Python needs the
	// same (next(c) or c.send(None)), since a fresh generator is not yet
	// waiting at a yield that could receive anything.
	for _, c := range cs {
		c.Next()
	}

	sent := [2]int{}
	splitsOK, totalsAgree := true, true
	for tray, filling := range fillings[:o.Trays] {
		if err := env.Sleep(ctx, makeTray); err != nil {
			return ev.Result{}, err
		}
		trace = append(trace, "made")
		first := 1 + env.Rand.IntN(o.Buns-1) // 1 … buns-1, so each gets at least one
		split := [2]int{first, o.Buns - first}
		env.Logf("shop", ev.Send, "tray %d: %d %s buns, %d for %s and %d for %s",
			tray+1, o.Buns, filling, split[0], customers[0], split[1], customers[1])
		splitsOK = splitsOK && split[0] >= 1 && split[1] >= 1 && split[0]+split[1] == o.Buns
		for i, c := range cs {
			// Send runs the customer until it yields again: the shop
			// waits meanwhile, and so does the other customer.
			total, ok := c.Send(share{split[i], filling})
			if !ok {
				return ev.Result{}, demos.Stopped(ctx)
			}
			sent[i] += split[i]
			totalsAgree = totalsAgree && total == sent[i]
		}
	}
	wall := env.Now() - begin

	m := Metrics{
		Trays: o.Trays, Buns: o.Buns, FirstAte: sent[0], SecondAte: sent[1],
		SplitsOK: splitsOK, TotalsAgree: totalsAgree,
		OrderOK:    slices.Equal(trace, expectedTrace(o.Trays)),
		WallMs:     ev.Ms(wall),
		ExpectedMs: ev.Ms(env.Story(float64(o.Trays) * (makeTray + 2*eatShare))),
	}
	return conclude(m, env.Speed), nil
}

// expectedTrace is the only order a generator allows: the shop makes a
// tray, then each customer eats while the shop waits in Send.
func expectedTrace(trays int) []string {
	var out []string
	for range trays {
		out = append(out, "made", "ate "+customers[0], "ate "+customers[1])
	}
	return out
}

// slack is how far past the expected time the run may end and still
// count as on pace (sleeps never end early, so only lateness is possible).
func slack(expectedMs float64) float64 { return max(0.25*expectedMs, 15) }

// conclude checks every claim of the lesson: full splits, totals that
// agree both ways, one party at a time in the only possible order, and a
// run as long as the sum of its steps.
func conclude(m Metrics, speed float64) ev.Result {
	res := ev.Result{
		Metrics: m,
		Timing: []ev.Timing{
			{Label: "the shop, start to last tray eaten", D: msDur(m.WallMs)},
			{Label: fmt.Sprintf("expected: %d trays × (%g make + 2 × %g eat) story-s", m.Trays, makeTray, eatShare), D: msDur(m.ExpectedMs)},
		},
	}
	storyS := func(ms float64) string { return ev.Float(ms / 1000 * speed) }
	total := m.Trays * m.Buns
	switch {
	case !m.SplitsOK || m.FirstAte+m.SecondAte != total:
		res.Verdict = fmt.Sprintf("the customers got %d + %d buns of %d: a tray was not split in full, a bug in pardemo", m.FirstAte, m.SecondAte, total)
	case !m.TotalsAgree:
		res.Verdict = "a customer yielded back a total that differs from what the shop sent it: a bug in pardemo"
	case !m.OrderOK:
		res.Verdict = "the shop and the customers ran out of turn, which a generator cannot do: a bug in pardemo"
	case m.WallMs-m.ExpectedMs > slack(m.ExpectedMs):
		res.Verdict = fmt.Sprintf("every bun was eaten and accounted for, but the run took %s story-s instead of %s: the machine could not keep the pace",
			storyS(m.WallMs), storyS(m.ExpectedMs))
		res.Hint = "a lower --speed, or a less busy machine"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d buns sent into two generators (%s ate %d, %s %d), each running only inside the shop's send, and their yielded totals agreed; %s story-s, the sum of every step",
			total, customers[0], m.FirstAte, customers[1], m.SecondAte, storyS(m.WallMs))
	}
	return res
}

func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "all buns accounted", Class: demos.Acceptable, Desc: "every tray split in full, totals agreed both ways, one party at a time",
		When: func(o *Options, m Metrics) bool {
			return m.SplitsOK && m.TotalsAgree && m.OrderOK && m.FirstAte+m.SecondAte == o.Trays*o.Buns
		}},
	{Name: "buns unaccounted", Class: demos.Forbidden, Desc: "a tray not split in full, totals that disagree, or turns out of order",
		When: func(o *Options, m Metrics) bool { return true }},
}
