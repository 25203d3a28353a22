// Package coroutinecooperative is scenario C3: on a cooperative
// scheduler, tasks that yield while they sleep share one thread; a task
// that calls a blocking sleep keeps it, and every other task waits. The
// same tasks as goroutines never hold each other up.
package coroutinecooperative

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/coro"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The cookbook's gevent program: players play 3 times with sleeps of 2
// and 3 story-seconds between; eaters eat 4 times with sleeps of 1, 2 and
// 3. Its four tasks are Bruce, Alvin, Amadeus and Google; --tasks adds
// more, alternating play and eat.
var names = []string{"Bruce", "Alvin", "Amadeus", "Google", "Elvin", "Ada", "Linus", "Grace"}

type script struct {
	verb   string
	sleeps []float64 // story-seconds slept between one step and the next
}

var (
	play = script{"play", []float64{2, 3}}
	eat  = script{"eat", []float64{1, 2, 3}}
)

func scriptOf(i int) script {
	if i%2 == 0 {
		return play
	}
	return eat
}

func (s script) total() float64 {
	t := 0.0
	for _, d := range s.sleeps {
		t += d
	}
	return t
}

// Options are the scenario's knobs.
type Options struct {
	Tasks    int // tasks, alternating play and eat
	Blocking int // tasks (the first ones) that call a blocking sleep in part B
}

// Metrics are what the scenario measured.
type Metrics struct {
	Tasks               int     `json:"tasks"`                  // tasks in each part
	Blocking            int     `json:"blocking"`               // tasks that called a blocking sleep in part B
	ToleranceMs         float64 `json:"tolerance_ms"`           // a wait up to this long counts as on time (timer and machine noise)
	CoopMaxDelayMs      float64 `json:"coop_max_delay_ms"`      // part A: the longest any task waited for the thread after it was ready
	CoopWallMs          float64 `json:"coop_wall_ms"`           // part A's wall time
	ExpectedCoopMs      float64 `json:"expected_coop_ms"`       // the longest task's own sleeps: parts A and C should take this long
	BlockerHeldMs       float64 `json:"blocker_held_ms"`        // part B: how long the first blocking task kept the thread
	StalledMinDelayMs   float64 `json:"stalled_min_delay_ms"`   // part B: the smallest, over every other task, of its longest wait for the thread
	BlockingWallMs      float64 `json:"blocking_wall_ms"`       // part B's wall time
	ExpectedBlockingMs  float64 `json:"expected_blocking_ms"`   // the blocking tasks one after another, then the longest cooperative one
	GoroutineMaxDelayMs float64 `json:"goroutine_max_delay_ms"` // part C: the latest any goroutine woke (or started) after it was due
	GoroutineWallMs     float64 `json:"goroutine_wall_ms"`      // part C's wall time
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "coroutine cooperative", ID: "C3",
		Title:   "Cooperative tasks share a thread only if they yield; one blocking call stalls them all",
		Python:  "gevent.spawn, gevent.sleep and monkey.patch_all()",
		Go:      "goroutines: the runtime parks any goroutine that blocks (a sleep, a channel, a socket) and runs the others",
		Explain: lesson,
		Lesson:  []string{"demos/coroutinecooperative/coroutinecooperative.go", "internal/coro/sched.go", "internal/coro/coro.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Tasks, "tasks", "tasks, alternating play (3 steps) and eat (4 steps); the cookbook: 4", 4, 2, len(names))
			k.Int(&o.Blocking, "blocking", "tasks that call a blocking sleep in part B (the first ones); --tasks of them is the cookbook's unpatched run", 1, 0, len(names))
		},
		Check: func(o *Options, _ *demos.Knobs) error {
			if o.Blocking > o.Tasks {
				return fmt.Errorf("--blocking %d is more than --tasks %d", o.Blocking, o.Tasks)
			}
			return nil
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// storyClock is the scheduler's clock: the scenario's own, so --speed
// applies, and its sleeps count as alive for the watchdog.
type storyClock struct{ env *demos.Env }

func (c storyClock) Now() time.Duration { return c.env.Now() }
func (c storyClock) Sleep(ctx context.Context, d time.Duration) error {
	return c.env.Sleep(ctx, d.Seconds()*c.env.Speed)
}

// steps runs one task's script: say a step, sleep, say the next, … sleep
// is the only thing that differs between the parts.
func steps(env *demos.Env, name string, s script, how string, sleep func(story float64) error) error {
	for i := range len(s.sleeps) + 1 {
		if i == len(s.sleeps) {
			env.Logf(name, ev.Done, "%s %d, done", s.verb, i+1)
			return nil
		}
		env.Logf(name, ev.Step, "%s %d, then %s", s.verb, i+1, fmt.Sprintf(how, s.sleeps[i]))
		if err := sleep(s.sleeps[i]); err != nil {
			return err
		}
	}
	return nil
}

// cooperative runs part A or B on the one-thread scheduler. The first
// `blocking` tasks sleep with a plain blocking sleep (Python's time.sleep
// without monkey-patching), the others with the scheduler's own sleep,
// which yields (gevent.sleep). It returns the scheduler's tasks, with
// their measured waits for the thread.
func cooperative(ctx context.Context, env *demos.Env, n, blocking int, tol time.Duration) ([]*coro.Task, error) {
	s := &coro.Scheduler{Clock: storyClock{env}}
	// Who kept the thread long: each run longer than tol, and when it
	// ended. A task that gets the thread late names those that ended
	// after it was ready.
	type hold struct {
		name string
		end  time.Duration
	}
	var hogs []hold
	var prev *coro.Task
	var prevStart time.Duration
	s.OnRun = func(t *coro.Task, waited time.Duration) {
		now := env.Now()
		if prev != nil && now-prevStart > tol {
			hogs = append(hogs, hold{prev.Name, now})
		}
		prev, prevStart = t, now
		if waited <= tol {
			return
		}
		var by []string
		for _, h := range hogs {
			if h.end > now-waited {
				by = append(by, h.name)
			}
		}
		env.Logf(t.Name, ev.Warn, "got the thread %s s late: %s kept it, asleep",
			ev.Float(waited.Seconds()*env.Speed), strings.Join(by, " then "))
	}
	for i := range n {
		name, sc := names[i], scriptOf(i)
		if i < blocking {
			s.Go(name, func(t *coro.Task) {
				// A blocking sleep: the goroutine running the scheduler
				// sleeps, so the scheduler cannot run anybody else.
				_ = steps(env, name, sc, "time.sleep(%g), which keeps the thread", func(story float64) error { return env.Sleep(ctx, story) })
			})
			continue
		}
		s.Go(name, func(t *coro.Task) {
			_ = steps(env, name, sc, "yields for %g s", func(story float64) error {
				t.Sleep(env.Story(story)) // back to the scheduler, which runs the others
				return nil
			})
		})
	}
	if err := s.Run(ctx); err != nil {
		return nil, err
	}
	if ctx.Err() != nil { // a blocking sleep cut short by Ctrl-C
		return nil, demos.Stopped(ctx)
	}
	return s.Tasks(), nil
}

// goroutines is part C: the same tasks, each on its own goroutine, every
// sleep a plain blocking sleep, even Bruce's. Each goroutine measures how
// late it started and woke; it returns the latest of each task. Its steps
// come at part A's instants, so each goroutine reports once, when it is
// done (pacing, issue 13: part A already showed the interleaving step by
// step; the done lines' stamps show it again).
func goroutines(ctx context.Context, env *demos.Env, n int) ([]time.Duration, error) {
	late := make([]time.Duration, n)
	errs := make(chan error, n)
	begin := env.Now()
	for i := range n {
		go func() {
			late[i] = env.Now() - begin // how late it started
			sc := scriptOf(i)
			for _, story := range sc.sleeps {
				due := env.Now() + env.Story(story)
				if err := env.Sleep(ctx, story); err != nil {
					errs <- err
					return
				}
				late[i] = max(late[i], env.Now()-due) // how late it woke
			}
			slept := make([]string, len(sc.sleeps))
			for j, d := range sc.sleeps {
				slept[j] = fmt.Sprintf("%g", d)
			}
			env.Logf(names[i], ev.Done, "%s %d, done: %d blocking sleeps (%s s), ≤ %.2f s late",
				sc.verb, len(sc.sleeps)+1, len(sc.sleeps), strings.Join(slept, "+"), late[i].Seconds()*env.Speed)
			errs <- nil
		}()
	}
	var err error
	for range n {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		return nil, demos.Stopped(ctx)
	}
	return late, nil
}

// tolerance is how long a wait may be and still count as on time: half
// the shortest sleep of the scripts (later than that, steps could swap
// places), and never under 20 ms, since timers and a busy machine add a
// few milliseconds whatever the speed. The stall to be shown is 5
// story-seconds, ten times as long.
func tolerance(env *demos.Env) time.Duration { return max(env.Story(0.5), 20*time.Millisecond) }

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	tol := tolerance(env)

	env.Phase(fmt.Sprintf("A: %d cooperative tasks, every sleep yields (gevent.sleep)", o.Tasks))
	begin := env.Now()
	a, err := cooperative(ctx, env, o.Tasks, 0, tol)
	if err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	wallA := env.Now() - begin

	env.Phase(fmt.Sprintf("B: the same tasks, %d calling a blocking sleep (time.sleep, not patched)", o.Blocking))
	if o.Blocking > 0 {
		env.Logf("main", ev.Note, "%s's blocking sleep keeps the thread: nobody else runs", names[0])
	}
	begin = env.Now()
	b, err := cooperative(ctx, env, o.Tasks, o.Blocking, tol)
	if err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	wallB := env.Now() - begin

	env.Phase(fmt.Sprintf("C: the same %d tasks as goroutines, every sleep a blocking one", o.Tasks))
	env.Log("main", ev.Note, "nothing to patch: the runtime parks a blocked goroutine")
	begin = env.Now()
	c, err := goroutines(ctx, env, o.Tasks)
	if err != nil {
		return ev.Result{}, err
	}
	wallC := env.Now() - begin

	m := measure(env, o, tol, a, b, c)
	m.CoopWallMs, m.BlockingWallMs, m.GoroutineWallMs = ev.Ms(wallA), ev.Ms(wallB), ev.Ms(wallC)
	res := conclude(m, env.Speed)
	res.Tables = []ev.Table{table(env, o, a, b, c)}
	return res, nil
}

// measure sums up the three parts, with what each part should take.
func measure(env *demos.Env, o *Options, tol time.Duration, a, b []*coro.Task, c []time.Duration) Metrics {
	m := Metrics{Tasks: o.Tasks, Blocking: o.Blocking, ToleranceMs: ev.Ms(tol), StalledMinDelayMs: -1}
	longest, serial, coop := 0.0, 0.0, 0.0
	for i := range o.Tasks {
		longest = max(longest, scriptOf(i).total())
		if i < o.Blocking {
			serial += scriptOf(i).total()
		} else {
			coop = max(coop, scriptOf(i).total())
		}
		m.CoopMaxDelayMs = max(m.CoopMaxDelayMs, ev.Ms(a[i].MaxDelay))
		m.GoroutineMaxDelayMs = max(m.GoroutineMaxDelayMs, ev.Ms(c[i]))
		if o.Blocking > 0 && i > 0 {
			if d := ev.Ms(b[i].MaxDelay); m.StalledMinDelayMs < 0 || d < m.StalledMinDelayMs {
				m.StalledMinDelayMs = d
			}
		}
	}
	if o.Blocking > 0 {
		m.BlockerHeldMs = ev.Ms(b[0].Held)
	}
	m.StalledMinDelayMs = max(m.StalledMinDelayMs, 0)
	m.ExpectedCoopMs = ev.Ms(env.Story(longest))
	m.ExpectedBlockingMs = ev.Ms(env.Story(serial + coop))
	return m
}

// table shows each task's longest wait in each part, in story-seconds.
func table(env *demos.Env, o *Options, a, b []*coro.Task, c []time.Duration) ev.Table {
	s := func(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()*env.Speed) }
	t := ev.Table{Title: "longest wait after being ready (story-s)", Header: []string{"task", "sleeps", "A: yielding", "B: one blocks", "C: goroutines"}}
	if o.Blocking != 1 {
		t.Header[3] = fmt.Sprintf("B: %d block", o.Blocking)
	}
	for i := range o.Tasks {
		kind := "yields"
		if i < o.Blocking {
			kind = "blocks in B"
		}
		t.Rows = append(t.Rows, []string{names[i], kind, s(a[i].MaxDelay), s(b[i].MaxDelay), s(c[i])})
	}
	return t
}

// conclude checks every claim of the lesson. A: yielding tasks are all on
// time and the part takes as long as the longest task. B: every task but
// the first blocker waited at least as long as it kept the thread, and the
// part takes the blockers' time one after another. C: goroutines are all
// on time, blocking sleeps and all, and take as long as the longest task.
func conclude(m Metrics, speed float64) ev.Result {
	res := ev.Result{
		Metrics: m,
		Timing: []ev.Timing{
			{Label: "A: cooperative, every sleep yields", D: msDur(m.CoopWallMs)},
			{Label: fmt.Sprintf("B: cooperative, %d blocking", m.Blocking), D: msDur(m.BlockingWallMs)},
			{Label: "C: goroutines", D: msDur(m.GoroutineWallMs)},
			{Label: "expected for A and C: the longest task", D: msDur(m.ExpectedCoopMs)},
			{Label: "expected for B: blockers in turn, then the rest", D: msDur(m.ExpectedBlockingMs)},
		},
	}
	s := func(ms float64) string { return ev.Float(ms / 1000 * speed) }
	tol := m.ToleranceMs
	switch {
	case lateTask(m):
		res.Verdict = fmt.Sprintf("a task that never blocked the others still waited %s story-s (cooperative) / %s (goroutines), beyond the %s tolerated: the machine could not keep the pace",
			s(m.CoopMaxDelayMs), s(m.GoroutineMaxDelayMs), s(tol))
		res.Hint = "a lower --speed, or a less busy machine"
	case offPace(m):
		res.Verdict = fmt.Sprintf("the parts took %s, %s and %s story-s where %s, %s and %s were due: the machine could not keep the pace",
			s(m.CoopWallMs), s(m.BlockingWallMs), s(m.GoroutineWallMs), s(m.ExpectedCoopMs), s(m.ExpectedBlockingMs), s(m.ExpectedCoopMs))
		res.Hint = "a lower --speed, or a less busy machine"
	case m.Blocking == 0:
		res.Verdict = fmt.Sprintf("yielding tasks interleaved on one thread (each on time within %s story-s, %s story-s in all) and so did goroutines; but no task blocked in part B, so nothing stalled",
			s(tol), s(m.CoopWallMs))
		res.Hint = "--blocking 1"
	case m.BlockerHeldMs <= 3*tol:
		res.Verdict = fmt.Sprintf("the blocking sleeps (%s ms) are too short at this speed to tell apart from timer noise (%s ms)", ev.Float(m.BlockerHeldMs), ev.Float(tol))
		res.Hint = "a lower --speed"
	case m.StalledMinDelayMs < m.BlockerHeldMs-tol:
		res.Verdict = fmt.Sprintf("the first blocker kept the thread %s story-s, but some task waited only %s: a blocking sleep should stall every other task, a bug in pardemo",
			s(m.BlockerHeldMs), s(m.StalledMinDelayMs))
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("yielding tasks interleaved on one thread, each on time (%s story-s in all); one blocking sleep kept the thread %s story-s and every other task waited at least %s for it (%s story-s in all); as goroutines, the same blocking sleeps held nobody up (latest %s, %s in all)",
			s(m.CoopWallMs), s(m.BlockerHeldMs), s(m.StalledMinDelayMs), s(m.BlockingWallMs), s(m.GoroutineMaxDelayMs), s(m.GoroutineWallMs))
		if m.Blocking > 1 {
			res.Verdict = fmt.Sprintf("yielding tasks interleaved on one thread, each on time (%s story-s in all); %d tasks calling a blocking sleep ran one after another, the first keeping the thread %s story-s while every other task waited at least %s (%s story-s in all); as goroutines, nobody was held up (latest %s, %s in all)",
				s(m.CoopWallMs), m.Blocking, s(m.BlockerHeldMs), s(m.StalledMinDelayMs), s(m.BlockingWallMs), s(m.GoroutineMaxDelayMs), s(m.GoroutineWallMs))
		}
	}
	return res
}

// lateTask: a task that nobody blocked waited beyond the tolerance.
func lateTask(m Metrics) bool {
	return m.CoopMaxDelayMs > m.ToleranceMs || m.GoroutineMaxDelayMs > m.ToleranceMs
}

// offPace: a part ran longer than its sleeps explain (they never end
// early, so only lateness is possible).
func offPace(m Metrics) bool {
	late := func(wall, want float64) bool { return wall-want > 0.25*want+m.ToleranceMs }
	return late(m.CoopWallMs, m.ExpectedCoopMs) || late(m.GoroutineWallMs, m.ExpectedCoopMs) || late(m.BlockingWallMs, m.ExpectedBlockingMs)
}

func msDur(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// The outcomes follow the verdict: the lesson outcome is exactly a run
// the verdict calls shown.
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "blocker stalled all", Class: demos.Interesting, Desc: "a blocking sleep kept the thread and every other task waited for it; goroutines were not held up",
		When: func(o *Options, m Metrics) bool { return o.Blocking > 0 && conclude(m, 1).Observed }},
	{Name: "machine too slow", Class: demos.Acceptable, Desc: "a task or a part that should have been on time was late: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return lateTask(m) || offPace(m) }},
	{Name: "nobody blocked", Class: demos.Acceptable, Desc: "--blocking 0: every task yielded, nothing stalled",
		When: func(o *Options, m Metrics) bool { return o.Blocking == 0 }},
	{Name: "too fast to tell", Class: demos.Acceptable, Desc: "the stall was within timer noise at this speed",
		When: func(o *Options, m Metrics) bool { return m.BlockerHeldMs <= 3*m.ToleranceMs }},
	{Name: "blocker stalled nobody", Class: demos.Forbidden, Desc: "a blocking sleep on the one thread left some task on time: a bug",
		When: func(o *Options, m Metrics) bool { return true }},
}
