// Package asyncworkers is scenario A5: worker tasks drain an asyncio-style
// queue of sleeps, in parallel on one loop, and are cancelled at the end.
package asyncworkers

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
)

//go:embed lesson.md
var lesson string

// The cookbook's numbers: 20 sleeps drawn uniformly from 0.05–1.0
// story-seconds, drained by 3 workers.
const (
	shortest = 0.05
	longest  = 1.0
	// slack is how much longer than the schedule (story seconds) the
	// run may take and still count as on time.
	slack = 0.3
)

// Options are the scenario's knobs.
type Options struct {
	Items   int // sleeps put on the queue
	Workers int // worker tasks draining it
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items          int            `json:"items"`            // sleeps put on the queue
	Workers        int            `json:"workers"`          // worker tasks
	TotalSleep     float64        `json:"total_sleep_s"`    // the sum of the sleeps, story seconds: one worker's time
	WallStory      float64        `json:"wall_story_s"`     // from the first get to queue.join() returning, story seconds
	Schedule       float64        `json:"schedule_s"`       // what the workers would take with no overhead: each takes the next sleep when free
	Handled        int            `json:"handled"`          // items taken and marked done
	PerWorker      map[string]int `json:"per_worker"`       // items each worker handled
	Cancelled      []string       `json:"cancelled"`        // the workers that ended cancelled, after join
	CancelledInGet int            `json:"cancelled_in_get"` // of those, how many were cancelled waiting in queue.get(): all, since join came first
	MaxHolders     int            `json:"max_holders"`      // most goroutines ever running loop code at once: 1
	Tolerance      float64        `json:"tolerance_s"`      // how far behind the schedule still counts as on time: 0.3 story-seconds or 20 ms of real time, the larger
	Speedup        float64        `json:"speedup"`          // total_sleep_s / wall_story_s; at most the number of workers
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async workers", ID: "A5",
		Title:  "Worker tasks drain a queue together on one loop, then are cancelled",
		Speed:  2, // pacing (issue 13): the default run takes 1–6 s (about 3.5 story-s)
		Python: "asyncio.Queue, queue.join, task.cancel, asyncio.gather(return_exceptions=True)",
		Go:     "a channel drained by N goroutines, a WaitGroup, and a context to cancel them",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Items, "items", "sleeps of 0.05–1 story-seconds put on the queue (the cookbook: 20)", 20, 1, 200)
			k.Int(&o.Workers, "workers", "worker tasks draining the queue (the cookbook: 3)", 3, 1, 50)
		},
		Explain: lesson,
		Lesson:  []string{"demos/asyncworkers/asyncworkers.go", "internal/loop/queue.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "parallel, cancelled", Class: demos.Interesting, Desc: "the workers overlapped their sleeps, on schedule, and all ended cancelled",
				When: func(o *Options, m Metrics) bool { return complete(m) && onSchedule(m) && m.Workers > 1 && m.Items > 1 }},
			{Name: "one at a time", Class: demos.Acceptable, Desc: "one worker or one item: nothing to overlap",
				When: func(o *Options, m Metrics) bool { return complete(m) && onSchedule(m) }},
			{Name: "late", Class: demos.Acceptable, Desc: "complete, but the machine ran behind the schedule",
				When: func(o *Options, m Metrics) bool { return complete(m) && m.WallStory > m.Schedule+m.Tolerance }},
			{Name: "lost or not cancelled", Class: demos.Forbidden, Desc: "an item was not handled, a worker was not cancelled, or the wall beat the schedule",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Run:  run,
		Quiz: quiz,
	}.Demo()
}

// worker is the cookbook's worker: forever take a sleep off the queue,
// sleep it, mark it done. It only ends when it is cancelled, which makes
// its await (the get or the sleep) return loop.ErrCancelled.
func worker(env *demos.Env, q *loop.Queue[float64], handled map[string]int, inGet *int) func(co *loop.Co) (struct{}, error) {
	return func(co *loop.Co) (struct{}, error) {
		for {
			s, err := q.Get(co)
			if err != nil {
				*inGet++
				env.Log(co.Name(), ev.Done, "cancelled while waiting for an item")
				return struct{}{}, err
			}
			if err := co.Sleep(s); err != nil {
				env.Log(co.Name(), ev.Done, "cancelled in the middle of a sleep")
				return struct{}{}, err
			}
			q.TaskDone()
			handled[co.Name()]++
			env.Log(co.Name(), ev.Step, fmt.Sprintf("has slept for %.2f story-seconds", s), "slept", round(s))
		}
	}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	l := asyncenv.Loop(env)
	q := loop.NewQueue[float64](l)
	sleeps := make([]float64, o.Items)
	total := 0.0
	for i := range sleeps {
		sleeps[i] = shortest + env.Rand.Float64()*(longest-shortest)
		total += sleeps[i]
		q.Put(sleeps[i])
	}
	env.Logf("main", ev.Send, "%d sleeps on the queue, %.2f story-seconds in all", o.Items, total)
	handled := map[string]int{}
	var m Metrics
	loop.Go(l, "main", func(co *loop.Co) (struct{}, error) {
		workers := make([]*loop.Task[struct{}], o.Workers)
		for i := range workers {
			workers[i] = loop.Go(l, fmt.Sprintf("worker-%d", i), worker(env, q, handled, &m.CancelledInGet))
		}
		begin := l.Time()
		if err := q.Join(co); err != nil {
			return struct{}{}, err
		}
		m.WallStory = round(l.Time() - begin)
		env.Logf(co.Name(), ev.Wake, "queue.join() returned after %.2f story-seconds: cancelling the workers", m.WallStory)
		for _, w := range workers {
			w.Cancel()
		}
		futures := make([]*loop.Future[struct{}], len(workers))
		for i, w := range workers {
			futures[i] = w.Future
		}
		if err := loop.Wait(co, futures...); err != nil {
			return struct{}{}, err
		}
		for _, w := range workers {
			_, err := w.Result()
			if w.Cancelled() && errors.Is(err, loop.ErrCancelled) {
				m.Cancelled = append(m.Cancelled, w.Name())
			}
			env.Logf(co.Name(), ev.Recv, "%s: cancelled() = %v, result: %v", w.Name(), w.Cancelled(), err)
		}
		return struct{}{}, nil
	})
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	m.Items, m.Workers, m.TotalSleep, m.PerWorker = o.Items, o.Workers, round(total), handled
	m.Schedule = round(schedule(sleeps, o.Workers))
	for _, n := range handled {
		m.Handled += n
	}
	m.MaxHolders = l.Stats().MaxHolders
	m.Tolerance = round(asyncenv.Tolerance(env, slack, 20*time.Millisecond))
	if m.WallStory > 0 {
		m.Speedup = math.Round(total/m.WallStory*100) / 100
	}
	env.Logf("main", ev.Done, "%d workers slept in parallel for %.2f story-seconds; total expected sleep time %.2f", o.Workers, m.WallStory, m.TotalSleep)
	return conclude(env, m), nil
}

// schedule is how long the workers take if each, when free, takes the
// next sleep off the queue and nothing else costs time.
func schedule(sleeps []float64, workers int) float64 {
	free := make([]float64, workers)
	for _, s := range sleeps {
		i := slices.Index(free, slices.Min(free))
		free[i] += s
	}
	return slices.Max(free)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// complete: every item handled, every worker cancelled, one holder at a
// time, and no faster than the schedule allows.
func complete(m Metrics) bool {
	return m.Handled == m.Items && len(m.Cancelled) == m.Workers && m.CancelledInGet == m.Workers && m.MaxHolders == 1 && m.WallStory >= m.Schedule-0.01
}

func onSchedule(m Metrics) bool { return m.WallStory <= m.Schedule+m.Tolerance }

func conclude(env *demos.Env, m Metrics) ev.Result {
	res := ev.Result{Metrics: m, Timing: []ev.Timing{
		{Label: "queue drained in", D: env.Story(m.WallStory)},
		{Label: "the sleeps add up to", D: env.Story(m.TotalSleep)},
	}}
	switch {
	case m.MaxHolders != 1:
		res.Verdict = fmt.Sprintf("%d goroutines ran loop code at once: the loop is broken", m.MaxHolders)
	case m.Handled != m.Items:
		res.Verdict = fmt.Sprintf("only %d of %d items were handled", m.Handled, m.Items)
	case len(m.Cancelled) != m.Workers || m.CancelledInGet != m.Workers:
		res.Verdict = fmt.Sprintf("%d of %d workers ended cancelled, %d of them in queue.get()", len(m.Cancelled), m.Workers, m.CancelledInGet)
	case m.WallStory < m.Schedule-0.01:
		res.Verdict = fmt.Sprintf("the queue drained in %.2f story-seconds, faster than the %.2f the sleeps allow: a measurement problem", m.WallStory, m.Schedule)
	case !onSchedule(m):
		res.Verdict = fmt.Sprintf("the queue drained in %.2f story-seconds, %.2f behind the schedule of %.2f: the machine could not keep this pace", m.WallStory, m.WallStory-m.Schedule, m.Schedule)
		res.Hint = "a lower --speed, or a less busy machine"
	case m.Workers == 1 || m.Items == 1:
		res.Verdict = fmt.Sprintf("with %d worker(s) and %d item(s) nothing overlaps: %.2f story-seconds for %.2f of sleep", m.Workers, m.Items, m.WallStory, m.TotalSleep)
		res.Hint = "--workers 3 --items 20"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d workers slept %.2f story-seconds of sleeps in %.2f (%s× faster, schedule %.2f) on one loop, then all %d ended cancelled",
			m.Workers, m.TotalSleep, m.WallStory, ev.Float(m.Speedup), m.Schedule, m.Workers)
	}
	return res
}
