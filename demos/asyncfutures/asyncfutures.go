// Package asyncfutures is scenario A4: two coroutines each complete a
// future, and done-callbacks on the loop report the results.
package asyncfutures

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
)

//go:embed lesson.md
var lesson string

// The cookbook's numbers: the sum sleeps 3 story-seconds before setting
// its future, the product 2.
const (
	sumSleep     = 3.0
	productSleep = 2.0
	slack        = 0.3 // story seconds a callback may be late and count as on time
)

// Options are the scenario's knobs.
type Options struct {
	N int // sum 1..N and compute N!
}

// Metrics are what the scenario measured.
type Metrics struct {
	N               int       `json:"n"`                // the argument of both coroutines
	Sum             int64     `json:"sum"`              // the first future's value: 1 + 2 + … + N
	SumOK           bool      `json:"sum_ok"`           // sum = N(N+1)/2
	FactorialDigits int       `json:"factorial_digits"` // the second future's value, N!, has this many decimal digits
	FactorialOK     bool      `json:"factorial_ok"`     // N! agrees with math/big's MulRange(1, N)
	CallbackOrder   []string  `json:"callback_order"`   // which future's done-callback ran, in order
	CallbackTimes   []float64 `json:"callback_times"`   // the loop time of each, story seconds
	CallbackHolders []string  `json:"callback_holders"` // who held the loop while each ran: "loop"
	TotalStory      float64   `json:"total_story_s"`    // the whole run, story seconds: about 3, not 2 + 3
	ProductMs       float64   `json:"product_ms"`       // how long computing N! held the loop without an await
	ProductHeld     float64   `json:"product_held_s"`   // the same in story seconds: the product's future is due 2 after it
	MaxHolders      int       `json:"max_holders"`      // most goroutines ever running loop code at once: 1
	Tolerance       float64   `json:"tolerance_s"`      // how late a callback may run and count as on time: 0.3 story-seconds or 15 ms of real time, the larger
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async futures", ID: "A4",
		Title:  "Coroutines complete futures; done-callbacks run on the loop when they do",
		Speed:  2, // pacing (issue 13): the default run takes 1–6 s (about 3.2 story-s)
		Python: "asyncio.Future, set_result, add_done_callback",
		Go:     "a result channel (or a struct with a done channel); the callback is the code after the receive",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.N, "n", "sum 1..n and compute n! (the cookbook takes it as an argument)", 10, 1, 20000)
		},
		Explain: lesson,
		Lesson:  []string{"demos/asyncfutures/asyncfutures.go", "internal/loop/task.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "callbacks on time", Class: demos.Interesting, Desc: "both results right; N! at 2, the sum at 3, both callbacks on the loop",
				When: func(o *Options, m Metrics) bool { return right(m) && onTime(m) }},
			{Name: "late", Class: demos.Acceptable, Desc: "results right, but the machine (or a big N!) made the callbacks late",
				When: func(o *Options, m Metrics) bool { return right(m) }},
			{Name: "wrong", Class: demos.Forbidden, Desc: "a wrong result, a callback off the loop, or in the wrong order",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Run:  run,
		Quiz: quiz,
	}.Demo()
}

// firstCoroutine sums 1..n, awaits 3 story-seconds, and sets its future.
func firstCoroutine(f *loop.Future[string], n int, sum *int64) func(co *loop.Co) (struct{}, error) {
	return func(co *loop.Co) (struct{}, error) {
		count := int64(0)
		for i := 1; i <= n; i++ {
			count += int64(i)
		}
		*sum = count
		if err := co.Sleep(sumSleep); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, f.SetResult(fmt.Sprintf("First coroutine total count: %d", count))
	}
}

// secondCoroutine multiplies 2..n, awaits 2 story-seconds, and sets its
// future (with the digits worked out before the sleep, so that all the
// computing is timed in one go). The multiplications do not await: for a big n they hold the
// loop all along, and nothing else runs meanwhile.
func secondCoroutine(env *demos.Env, f *loop.Future[string], n int, product *big.Int, held *float64) func(co *loop.Co) (struct{}, error) {
	return func(co *loop.Co) (struct{}, error) {
		begin := env.Now()
		count := big.NewInt(1)
		var x big.Int
		for i := 2; i <= n; i++ {
			count.Mul(count, x.SetInt64(int64(i)))
		}
		digits := count.String() // for a big N! this takes a while too
		*held = (env.Now() - begin).Seconds() * env.Speed
		product.Set(count)
		if err := co.Sleep(productSleep); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, f.SetResult(fmt.Sprintf("Second coroutine total count: %s", short(digits)))
	}
}

// short keeps a long number readable: its first and last digits.
func short(digits string) string {
	if len(digits) <= 40 {
		return digits
	}
	return fmt.Sprintf("%s…%s (%d digits)", digits[:12], digits[len(digits)-12:], len(digits))
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	l := asyncenv.Loop(env)
	future1, future2 := loop.NewFuture[string](l), loop.NewFuture[string](l)
	m := Metrics{N: o.N}
	// got_result: the done-callback of both futures. The loop calls it,
	// at its next turn after the future got its result.
	gotResult := func(name string) func(f *loop.Future[string]) {
		return func(f *loop.Future[string]) {
			v, err := f.Result()
			if err != nil {
				v = err.Error()
			}
			m.CallbackOrder = append(m.CallbackOrder, name)
			m.CallbackTimes = append(m.CallbackTimes, round(l.Time()))
			m.CallbackHolders = append(m.CallbackHolders, l.Holder())
			env.Log(l.Holder(), ev.Recv, fmt.Sprintf("got_result(%s) at loop time %.2f: %s", name, l.Time(), v), "future", name)
		}
	}
	future1.AddDoneCallback(gotResult("future1"))
	future2.AddDoneCallback(gotResult("future2"))
	var product big.Int
	t1 := loop.Go(l, "first_coroutine", firstCoroutine(future1, o.N, &m.Sum))
	t2 := loop.Go(l, "second_coroutine", secondCoroutine(env, future2, o.N, &product, &m.ProductHeld))
	env.Logf("main", ev.Start, "two futures, a done-callback on each, two coroutines with N = %d", o.N)
	begin := env.Now()
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	for _, t := range []*loop.Task[struct{}]{t1, t2} {
		if _, err := t.Result(); err != nil {
			return ev.Result{}, fmt.Errorf("%s: %w", t.Name(), err)
		}
	}
	m.TotalStory = round((env.Now() - begin).Seconds() * env.Speed)
	n := int64(o.N)
	m.SumOK = m.Sum == n*(n+1)/2
	m.FactorialDigits = len(product.String())
	m.FactorialOK = product.Cmp(new(big.Int).MulRange(1, n)) == 0
	m.MaxHolders = l.Stats().MaxHolders
	m.Tolerance = round(asyncenv.Tolerance(env, slack, 15*time.Millisecond))
	m.ProductMs = math.Round(m.ProductHeld/env.Speed*1e6) / 1000
	m.ProductHeld = round(m.ProductHeld)
	env.Logf("main", ev.Done, "both coroutines done after %.2f story-seconds", m.TotalStory)
	return conclude(env, m), nil
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// right: both values check out, each future's callback ran once, on the
// loop, and one goroutine held the loop at a time.
func right(m Metrics) bool {
	order := slices.Clone(m.CallbackOrder)
	slices.Sort(order)
	return m.SumOK && m.FactorialOK && m.MaxHolders == 1 &&
		slices.Equal(order, []string{"future1", "future2"}) &&
		slices.Equal(m.CallbackHolders, []string{"loop", "loop"})
}

// due is when each callback should run: the product's 2 story-seconds
// after computing N! let go of the loop, the sum's at 3 — or when the
// loop was free again, if computing N! held it past 3.
func due(m Metrics) map[string]float64 {
	return map[string]float64{"future2": m.ProductHeld + productSleep, "future1": max(sumSleep, m.ProductHeld)}
}

// onTime: each callback ran about when it was due, and the whole run
// took about the later one, not the two sleeps one after the other.
func onTime(m Metrics) bool {
	if len(m.CallbackTimes) != 2 {
		return false
	}
	d := due(m)
	for i, name := range m.CallbackOrder {
		if t := m.CallbackTimes[i]; t < d[name]-0.01 || t > d[name]+m.Tolerance {
			return false
		}
	}
	return m.TotalStory <= max(d["future1"], d["future2"])+m.Tolerance
}

func conclude(env *demos.Env, m Metrics) ev.Result {
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: "both coroutines", D: env.Story(m.TotalStory)}}}
	switch {
	case !m.SumOK || !m.FactorialOK:
		res.Verdict = fmt.Sprintf("wrong result: sum ok %v, %d! ok %v", m.SumOK, m.N, m.FactorialOK)
	case !right(m):
		res.Verdict = fmt.Sprintf("callbacks ran in the order %v, held by %v, with %d holders at once", m.CallbackOrder, m.CallbackHolders, m.MaxHolders)
	case !onTime(m):
		res.Verdict = fmt.Sprintf("results right, but the callbacks ran at %v, not about %g and %g: the machine could not keep this pace", m.CallbackTimes, productSleep, sumSleep)
		res.Hint = "a lower --speed, or a less busy machine"
	default:
		res.Observed = true
		at := map[string]float64{}
		for i, name := range m.CallbackOrder {
			at[name] = m.CallbackTimes[i]
		}
		res.Verdict = fmt.Sprintf("the done-callbacks ran on the loop as each future was set: %d! (%d digits) at %.2f, the sum %d at %.2f; %.2f story-seconds in all, not %g",
			m.N, m.FactorialDigits, at["future2"], m.Sum, at["future1"], m.TotalStory, sumSleep+productSleep)
		if m.ProductHeld >= 0.05 {
			res.Verdict += fmt.Sprintf("; computing %d! held the loop %.2f story-seconds without an await, and delayed everything by as much", m.N, m.ProductHeld)
		}
	}
	return res
}
