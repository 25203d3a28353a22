// Package asynctasks is scenario A3: two tasks on one event loop, each
// awaiting a story-second per step, finish in the time of the longer one.
package asynctasks

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
)

//go:embed lesson.md
var lesson string

// step is the cookbook's await per step: 1 story-second.
const step = 1.0

// slack is how much longer than the longer task (story seconds) the run
// may take and still show the overlap.
const slack = 0.5

// Options are the scenario's knobs.
type Options struct {
	N int // factorial(N) and fibonacci(N)
}

// Metrics are what the scenario measured.
type Metrics struct {
	N              int     `json:"n"`               // the argument of both tasks
	Factorial      int64   `json:"factorial"`       // what the factorial task returned: N!
	Fibonacci      int64   `json:"fibonacci"`       // what the fibonacci task returned: F(N)
	FactorialSteps int     `json:"factorial_steps"` // awaits of the factorial task: N − 1
	FibonacciSteps int     `json:"fibonacci_steps"` // awaits of the fibonacci task: N
	Alternations   int     `json:"alternations"`    // times the next "Compute" line came from the other task
	TotalStory     float64 `json:"total_story_s"`   // the run, in story seconds: about the longer task's steps
	SerialStory    float64 `json:"serial_story_s"`  // what one task after the other would take: the sum of the steps
	MaxHolders     int     `json:"max_holders"`     // most goroutines ever running loop code at once: 1
	Tolerance      float64 `json:"tolerance_s"`     // how much longer than the longer task the run may take: 0.5 story-seconds or 20 ms of real time, the larger
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async tasks", ID: "A3",
		Title:  "Two tasks that await take turns on one loop: the time of the longer, not the sum",
		Speed:  5, // pacing (issue 13): the default run takes 1–6 s (about 10 story-s)
		Python: "asyncio.Task / create_task, await asyncio.sleep, asyncio.wait",
		Go:     "two goroutines and a WaitGroup (the loop here is a model: internal/loop)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.N, "n", "factorial(n) and fibonacci(n), one story-second per step (the cookbook: 10)", 10, 2, 20)
		},
		Explain: lesson,
		Lesson:  []string{"demos/asynctasks/asynctasks.go", "internal/loop/task.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "overlapped", Class: demos.Interesting, Desc: "the tasks interleaved and took about the longer one's time",
				When: func(o *Options, m Metrics) bool { return correct(m) && interleaved(m) && overlapped(m) }},
			{Name: "late", Class: demos.Acceptable, Desc: "interleaved, but the machine ran the steps late",
				When: func(o *Options, m Metrics) bool { return correct(m) && interleaved(m) && m.TotalStory < m.SerialStory }},
			{Name: "serial or wrong", Class: demos.Forbidden, Desc: "wrong results, no interleaving, or no overlap",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Run:  run,
		Quiz: quiz,
	}.Demo()
}

// factorial is the cookbook's first coroutine: one multiplication per
// step, each step awaiting a story-second — the await hands the loop to
// the other task.
func factorial(env *demos.Env, t *turns, n int) func(co *loop.Co) (int64, error) {
	return func(co *loop.Co) (int64, error) {
		f := int64(1)
		for i := 2; i <= n; i++ {
			t.step(co)
			env.Log(co.Loop().Holder(), ev.Step, fmt.Sprintf("Compute factorial(%d)", i), "i", i, "loop_time", round(co.Loop().Time()))
			if err := co.Sleep(step); err != nil {
				return 0, err
			}
			f *= int64(i)
		}
		env.Log(co.Loop().Holder(), ev.Done, fmt.Sprintf("factorial(%d) = %d", n, f))
		return f, nil
	}
}

// fibonacci is the second: one addition per step, the same await.
func fibonacci(env *demos.Env, t *turns, n int) func(co *loop.Co) (int64, error) {
	return func(co *loop.Co) (int64, error) {
		a, b := int64(0), int64(1)
		for i := range n {
			t.step(co)
			env.Log(co.Loop().Holder(), ev.Step, fmt.Sprintf("Compute fibonacci(%d)", i), "i", i, "loop_time", round(co.Loop().Time()))
			if err := co.Sleep(step); err != nil {
				return 0, err
			}
			a, b = b, a+b
		}
		env.Log(co.Loop().Holder(), ev.Done, fmt.Sprintf("fibonacci(%d) = %d", n, a))
		return a, nil
	}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	l := asyncenv.Loop(env)
	t := &turns{}
	fact := loop.Go(l, "factorial", factorial(env, t, o.N))
	fib := loop.Go(l, "fibonacci", fibonacci(env, t, o.N))
	env.Log("main", ev.Start, "two tasks created; run_until_complete(asyncio.wait(tasks))")
	begin := env.Now()
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	total := env.Now() - begin
	f, ferr := fact.Result()
	b, berr := fib.Result()
	if ferr != nil || berr != nil {
		return ev.Result{}, fmt.Errorf("tasks failed: %v, %v", ferr, berr)
	}
	env.Logf("main", ev.Done, "both tasks done after %.2f story-seconds", total.Seconds()*env.Speed)
	return conclude(env, o.N, f, b, t.alternations, total.Seconds()*env.Speed, l.Stats().MaxHolders), nil
}

// turns counts how often the next step came from the other task. Both
// tasks update it without a lock: only the task holding the loop runs.
type turns struct {
	last         string
	alternations int
}

func (t *turns) step(co *loop.Co) {
	if t.last != "" && t.last != co.Name() {
		t.alternations++
	}
	t.last = co.Name()
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

func correct(m Metrics) bool {
	return m.Factorial == plainFactorial(m.N) && m.Fibonacci == plainFibonacci(m.N) && m.MaxHolders == 1
}

// interleaved: while both tasks had steps left, every "Compute" line came
// from the other task than the one before.
func interleaved(m Metrics) bool {
	return m.Alternations >= 2*min(m.FactorialSteps, m.FibonacciSteps)-1
}

func overlapped(m Metrics) bool {
	longer := float64(max(m.FactorialSteps, m.FibonacciSteps)) * step
	return m.TotalStory >= longer-1e-6 && m.TotalStory <= longer+m.Tolerance
}

func plainFactorial(n int) int64 {
	f := int64(1)
	for i := 2; i <= n; i++ {
		f *= int64(i)
	}
	return f
}

func plainFibonacci(n int) int64 {
	a, b := int64(0), int64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

func conclude(env *demos.Env, n int, f, b int64, alternations int, total float64, holders int) ev.Result {
	m := Metrics{N: n, Factorial: f, Fibonacci: b, FactorialSteps: n - 1, FibonacciSteps: n, Alternations: alternations,
		TotalStory: round(total), SerialStory: float64(2*n-1) * step, MaxHolders: holders,
		Tolerance: round(asyncenv.Tolerance(env, slack, 20*time.Millisecond))}
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: "both tasks", D: env.Story(total)}}}
	longer := float64(max(m.FactorialSteps, m.FibonacciSteps)) * step
	switch {
	case !correct(m):
		res.Verdict = fmt.Sprintf("wrong: factorial(%d) = %d, fibonacci(%d) = %d, %d holders at once", n, f, n, b, holders)
	case !interleaved(m):
		res.Verdict = fmt.Sprintf("the tasks did not take turns: only %d alternations of %d", alternations, 2*min(m.FactorialSteps, m.FibonacciSteps)-1)
	case !overlapped(m) && total < m.SerialStory:
		res.Verdict = fmt.Sprintf("the tasks took turns, but the run took %.2f story-seconds, more than %g + %.2f: the machine could not keep this pace", total, longer, m.Tolerance)
		res.Hint = "a lower --speed, or a less busy machine"
	case !overlapped(m):
		res.Verdict = fmt.Sprintf("the run took %.2f story-seconds, as long as one task after the other (%g)", total, m.SerialStory)
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("factorial(%d) = %d and fibonacci(%d) = %d took turns at every await (%d alternations) and finished in %.2f story-seconds, the longer task's %g, not the %g of one after the other",
			n, f, n, b, alternations, total, longer, m.SerialStory)
	}
	return res
}
