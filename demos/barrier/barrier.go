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
	NoBarrier bool   // the two barrier workers skip the barrier, for contrast
	RunAs     string // "goroutines" or "processes": what the four workers are
}

// Metrics are what the scenario measured.
type Metrics struct {
	BarrierSkewMs    float64 `json:"barrier_skew_ms"`    // gap between the two barrier workers' time stamps
	BarrierAfterFree bool    `json:"barrier_after_free"` // both barrier workers stamped after both free workers (the random work decides; not a claim of the lesson)
	ArrivalGapMs     float64 `json:"arrival_gap_ms"`     // how far apart the two barrier workers reached the barrier: what the barrier lined up
	ReleasedEarly    bool    `json:"released_early"`     // a barrier worker stamped before the other had arrived (must be false with the barrier)
	FirstWaitedMs    float64 `json:"first_waited_ms"`    // how long the earlier barrier worker waited for the other
	// StampsMs is every worker's stamp on the run's clock, by worker:
	// {"barrier-1":…, "barrier-2":…, "free-1":…, "free-2":…}.
	StampsMs map[string]float64 `json:"stamps_ms"`
	// Processes: the workers ran as child processes (--run-as processes), with the
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
		Speed:  1, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "A barrier lines workers up: they leave it together",
		Python: "threading.Barrier", Go: "isync.Barrier (sync.WaitGroup waits for the end, not a meeting point)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.NoBarrier, "no-barrier", "let the two barrier workers skip the barrier, for contrast")
			k.Choice(&o.RunAs, "run-as", "run the four workers as goroutines, or as child processes as the cookbook's multiprocessing version does", "goroutines", "goroutines", "processes")
			k.AliasBool("processes", "run-as", "processes", "goroutines") // the old spelling, for one release
		},
		Explain:  lesson,
		Lesson:   []string{"internal/sync/barrier.go", "demos/barrier/barrier.go", "demos/barrier/processes.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
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
	// workers draw from the same 0.2–2 story-seconds, so they are sometimes
	// earlier than the barrier pair and sometimes later: nothing in the
	// delays lines anybody up, only the barrier does.
	early := 0.2 + 0.8*env.Rand.Float64()
	late := early + 0.5 + 0.5*env.Rand.Float64()
	if env.Rand.IntN(2) == 1 {
		early, late = late, early
	}
	ws := []*worker{
		{name: "barrier-1", meets: true, delay: early},
		{name: "barrier-2", meets: true, delay: late},
		{name: "free-1", delay: 0.2 + 1.8*env.Rand.Float64()},
		{name: "free-2", delay: 0.2 + 1.8*env.Rand.Float64()},
	}
	processes := o.RunAs == "processes"
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
				env.Log(w.name, ev.Wait, fmt.Sprintf("reaches the barrier (%d of %d there)", b.Waiting()+1, b.Parties()), ev.AttrOn, "barrier")
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
	gap := last.arrived - first.arrived // what the barrier had to remove
	bound, who := skewBound, "barrier workers"
	if processes {
		bound, who = processSkewBound, "barrier processes"
	}
	// The free workers stamp when their own work ends: before the barrier
	// pair, or after it. Which is the random draw's business, not a claim.
	afterFree := true
	var before, after []string
	stamps, pids := map[string]float64{}, map[string]int{}
	tb := ev.Table{Title: "workers", Header: []string{"worker", "pid", "work (story s)", "done working", "stamped"}}
	for _, w := range ws {
		stamps[w.name] = ev.Ms(w.stamp)
		pids[w.name] = w.pid
		if !w.meets {
			if w.stamp >= b1.stamp || w.stamp >= b2.stamp {
				afterFree = false
				after = append(after, w.name)
			} else {
				before = append(before, w.name)
			}
		}
		tb.Rows = append(tb.Rows, []string{w.name, strconv.Itoa(w.pid), fmt.Sprintf("%.2f", w.delay), stampText(w.arrived), stampText(w.stamp)})
	}
	res := ev.Result{
		Metrics: Metrics{BarrierSkewMs: ev.Ms(skew), BarrierAfterFree: afterFree, ArrivalGapMs: ev.Ms(gap),
			ReleasedEarly: useBarrier && (first.stamp < last.arrived || last.stamp < last.arrived),
			FirstWaitedMs: ev.Ms(firstWaited), StampsMs: stamps, Processes: processes, Pids: pids},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{{Label: "barrier workers arrived apart", D: gap}, {Label: "skew between barrier workers", D: skew},
			{Label: first.name + " waited at the barrier", D: firstWaited}},
	}
	free := ""
	switch {
	case len(after) == 0:
		free = "both free workers stamped before them, when their own work ended"
	case len(before) == 0:
		free = "both free workers stamped after them, when their own work ended"
	default:
		free = fmt.Sprintf("%s stamped before them and %s after, each when its own work ended", before[0], after[0])
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
	case first.stamp < last.arrived || last.stamp < last.arrived:
		res.Verdict = fmt.Sprintf("a barrier worker stamped before the other had arrived (%s arrived at %s, stamps %s and %s): the barrier let it through early, please report it",
			last.name, stampText(last.arrived), stampText(b1.stamp), stampText(b2.stamp))
	case skew <= bound && gap > bound:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%s arrived %s apart and stamped %s apart: %s waited %s for %s, then both left together; %s",
			who, ev.Dur(gap), ev.Dur(skew), first.name, ev.Dur(firstWaited), last.name, free)
	case skew <= bound:
		res.Verdict = fmt.Sprintf("%s stamped %s apart, but they also arrived only %s apart: the barrier had little to line up", who, ev.Dur(skew), ev.Dur(gap))
		res.Hint = "a lower --speed: at this speed half a story-second is too short to tell apart"
	default:
		res.Verdict = fmt.Sprintf("%s stamped %s apart: released together, but the machine was too busy to run them at once", who, ev.Dur(skew))
		res.Hint = "running it again on a less busy machine"
	}
	return res
}
