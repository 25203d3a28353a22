// Package barrier is scenario S9: two workers meet at a barrier, two don't.
package barrier

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// skewBound is the largest gap between the barrier workers' stamps that
// still counts as "together". Goroutines are usually a few microseconds
// apart. Processes are released by two pipe writes and two process
// wake-ups: usually tens of microseconds apart, but a busy machine can
// delay one wake-up by milliseconds, hence a wider bound (lesson.md gives
// the measured spread).
const (
	skewBound        = 5 * time.Millisecond
	processSkewBound = 10 * time.Millisecond
)

// Options are the scenario's knobs.
type Options struct {
	NoBarrier bool // the two barrier workers skip the barrier, for contrast
	Processes bool // the four workers are child processes, not goroutines
}

// Metrics are what the scenario measured.
type Metrics struct {
	BarrierSkewMs    float64 `json:"barrier_skew_ms"`    // gap between the two barrier workers' time stamps
	BarrierAfterFree bool    `json:"barrier_after_free"` // both barrier workers stamped after both free workers
	FirstWaitedMs    float64 `json:"first_waited_ms"`    // how long the earlier barrier worker waited for the other
	// StampsMs is every worker's stamp on the run's clock, by worker:
	// {"barrier-1":…, "barrier-2":…, "free-1":…, "free-2":…}.
	StampsMs map[string]float64 `json:"stamps_ms"`
	// Processes: the workers ran as child processes (--processes), with the
	// parent coordinating the barrier.
	Processes bool `json:"processes"`
	// Pids is each worker's process id, keyed like stamps_ms; with
	// goroutines all four are pardemo's own pid.
	Pids map[string]int `json:"pids"`
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "barrier", ID: "S9",
		Title:  "A barrier lines workers up: they leave it together",
		Python: "threading.Barrier", Go: "isync.Barrier (sync.WaitGroup waits for the end, not a meeting point)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.NoBarrier, "no-barrier", "let the two barrier workers skip the barrier, for contrast")
			k.Bool(&o.Processes, "processes", "run the four workers as child processes, as the cookbook's multiprocessing version does")
		},
		Explain:  lesson,
		Lesson:   []string{"internal/sync/barrier.go", "demos/barrier/barrier.go", "demos/barrier/processes.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{workerRole: processWorker},
	}.Demo()
}

type worker struct {
	name    string
	meets   bool          // waits at the barrier before stamping
	delay   float64       // story seconds of work before the barrier
	arrived time.Duration // reached the barrier (or the stamp, for free workers)
	stamp   time.Duration
	pid     int // the process it ran in
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	useBarrier := !o.NoBarrier
	// Random work before the barrier, drawn up front so --seed replays it.
	// The barrier workers' work differs by at least half a story-second, so
	// the early one visibly waits; which one is early is random. The free
	// workers finish within 0.4 story-seconds.
	early := 0.5 + 0.5*env.Rand.Float64()
	late := early + 0.5 + 0.5*env.Rand.Float64()
	if env.Rand.IntN(2) == 1 {
		early, late = late, early
	}
	ws := []*worker{
		{name: "barrier-1", meets: true, delay: early},
		{name: "barrier-2", meets: true, delay: late},
		{name: "free-1", delay: 0.4 * env.Rand.Float64()},
		{name: "free-2", delay: 0.4 * env.Rand.Float64()},
	}
	processes := o.Processes
	play := runGoroutines
	if processes {
		play = runProcesses // processes.go
	}
	if err := play(ctx, env, ws, useBarrier); err != nil {
		return ev.Result{}, err
	}
	return conclude(ws, useBarrier, processes), nil
}

// runGoroutines plays the scenario with each worker in its own goroutine.
func runGoroutines(ctx context.Context, env *demos.Env, ws []*worker, useBarrier bool) error {
	b := isync.NewBarrier(2)
	var printLock sync.Mutex // the cookbook serialises printing with a lock
	if useBarrier {
		env.Log("main", ev.Note, "barrier-1 and barrier-2 meet at a barrier for 2 before stamping the time; free-1 and free-2 stamp as soon as their work is done")
	} else {
		env.Log("main", ev.Note, "--no-barrier: every worker stamps the time as soon as its work is done")
	}

	errs := make(chan error, len(ws))
	var wg sync.WaitGroup
	for _, w := range ws {
		w.pid = os.Getpid() // goroutines all live in this one process
		wg.Go(func() {
			env.Logf(w.name, ev.Start, "works for %.2f story-seconds", w.delay)
			if err := env.Sleep(ctx, w.delay); err != nil {
				errs <- err
				return
			}
			w.arrived = env.Now()
			if w.meets && useBarrier {
				env.Log(w.name, ev.Wait, fmt.Sprintf("reaches the barrier (%d of %d there)", b.Waiting()+1, b.Parties()))
				if _, err := b.Wait(ctx); err != nil {
					errs <- err
					return
				}
			}
			w.stamp = env.Now() // the moment that matters: taken before the print lock
			printLock.Lock()
			env.Log(w.name, ev.Done, fmt.Sprintf("stamp %s", stampText(w.stamp)), "stamp_ms", ev.Ms(w.stamp))
			printLock.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return demos.Stopped(ctx) // a worker fails only when the run is stopped
	}
	return nil
}

func stampText(d time.Duration) string { return fmt.Sprintf("+%.6fs", d.Seconds()) }

func conclude(ws []*worker, useBarrier, processes bool) ev.Result {
	b1, b2 := ws[0], ws[1]
	skew := b1.stamp - b2.stamp
	if skew < 0 {
		skew = -skew
	}
	first, last := b1, b2
	if b2.arrived < b1.arrived {
		first, last = b2, b1
	}
	firstWaited := first.stamp - first.arrived
	bound, who := skewBound, "barrier workers"
	if processes {
		bound, who = processSkewBound, "barrier processes"
	}
	afterFree := true
	stamps, pids := map[string]float64{}, map[string]int{}
	tb := ev.Table{Title: "workers", Header: []string{"worker", "pid", "work (story s)", "done working", "stamped"}}
	for _, w := range ws {
		stamps[w.name] = ev.Ms(w.stamp)
		pids[w.name] = w.pid
		if !w.meets && (w.stamp >= b1.stamp || w.stamp >= b2.stamp) {
			afterFree = false
		}
		tb.Rows = append(tb.Rows, []string{w.name, strconv.Itoa(w.pid), fmt.Sprintf("%.2f", w.delay), stampText(w.arrived), stampText(w.stamp)})
	}
	res := ev.Result{
		Metrics: Metrics{BarrierSkewMs: ev.Ms(skew), BarrierAfterFree: afterFree,
			FirstWaitedMs: ev.Ms(firstWaited), StampsMs: stamps, Processes: processes, Pids: pids},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{{Label: "skew between barrier workers", D: skew}, {Label: first.name + " waited at the barrier", D: firstWaited}},
	}
	switch {
	case !useBarrier:
		res.Observed = skew > bound
		res.Verdict = fmt.Sprintf("without the barrier, barrier-1 and barrier-2 stamped %s apart, each when its own work ended", ev.Dur(skew))
		if !res.Observed {
			res.Verdict += " (their random work happened to take about as long)"
			res.Hint = "another --seed"
			if processes {
				res.Hint = "a lower --speed: at high speed their work differs by less than a process's wake-up can lag"
			}
		}
	case skew <= bound && afterFree:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%s stamped %s apart, after both free workers: %s waited %s for %s, then both left together",
			who, ev.Dur(skew), first.name, ev.Dur(firstWaited), last.name)
	case !afterFree:
		res.Verdict = fmt.Sprintf("%s stamped %s apart, but a free worker stamped after them", who, ev.Dur(skew))
		res.Hint = "the machine may be overloaded; run it again"
	default:
		res.Verdict = fmt.Sprintf("%s stamped %s apart: released together, but the machine was too busy to run them at once", who, ev.Dur(skew))
		res.Hint = "run it again on a less busy machine"
	}
	return res
}
