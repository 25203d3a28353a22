// Package barrier is scenario S9: two workers meet at a barrier, two don't.
package barrier

import (
	"context"
	"embed"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed barrier.go processes.go
var source embed.FS

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

// New returns the scenario.
func New() demos.Demo {
	return demos.Demo{
		Name: "barrier", ID: "S9", Chapter: 2,
		Title:  "A barrier lines workers up: they leave it together",
		Python: "threading.Barrier", Go: "isync.Barrier (sync.WaitGroup waits for the end, not a meeting point)",
		Params: []demos.Param{
			demos.Bool("no-barrier", "let the two barrier workers skip the barrier, for contrast"),
			demos.Bool("processes", "run the four workers as child processes, as the cookbook's multiprocessing version does"),
		},
		Metrics:  []string{"barrier_skew_ms", "barrier_after_free", "first_waited_ms", "stamps_ms", "processes", "pids"},
		Explain:  lesson,
		Source:   source,
		Run:      run,
		Children: map[string]demos.ChildRole{workerRole: processWorker},
	}
}

type worker struct {
	name    string
	meets   bool          // waits at the barrier before stamping
	delay   float64       // story seconds of work before the barrier
	arrived time.Duration // reached the barrier (or the stamp, for free workers)
	stamp   time.Duration
	pid     int // the process it ran in
}

func run(ctx context.Context, env *demos.Env) (ev.Result, error) {
	useBarrier := !env.Bool("no-barrier")
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
	processes := env.Bool("processes")
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
		return context.Cause(ctx)
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
	stamps, pids := map[string]any{}, map[string]any{}
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
		Metrics: map[string]any{"barrier_skew_ms": ev.Ms(skew), "barrier_after_free": afterFree,
			"first_waited_ms": ev.Ms(firstWaited), "stamps_ms": stamps, "processes": processes, "pids": pids},
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
