// Package threaddaemon is scenario T3: workers nobody waits for are cut
// off when the program ends; waiting for them is a decision main makes.
package threaddaemon

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// maxWork is the longest a worker sleeps, in story seconds: each draws a
// random sleep from 0 up to it, as in the cookbook.
const maxWork = 2.0

// Options are the scenario's knobs.
type Options struct {
	Workers   int // workers, each sleeping a random 0–2 story-seconds
	ExitAfter int // story-seconds main lives before it returns without waiting
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers        int                `json:"workers"`          // workers in each part (--workers)
	ExitAfterS     int                `json:"exit_after_s"`     // story-seconds main lived before returning without waiting (--exit-after)
	FinishedAtExit int                `json:"finished_at_exit"` // workers that had added to the total when main returned
	CutOff         int                `json:"cut_off"`          // workers that had not: with finished_at_exit they add up to workers
	TotalAtExit    int                `json:"total_at_exit"`    // the shared total main saw when it returned (equals finished_at_exit)
	Finished       []string           `json:"finished"`         // names of the workers that finished before main returned, in the order they finished
	DelaysS        map[string]float64 `json:"delays_s"`         // each worker's random sleep in story seconds, by name: {"w-1":0.83, …}
	TotalWaited    int                `json:"total_waited"`     // part 2 (main waits with a WaitGroup): the total, always workers
	WaitedMs       float64            `json:"waited_ms"`        // part 2: how long main waited for every worker
	MainOnTime     bool               `json:"main_on_time"`     // part 1: main returned about exit_after_s story-seconds in (within a quarter, 2ms at least)
	WokeLate       []string           `json:"woke_late"`        // part 1: workers whose sleep ended clearly before main returned, yet were cut off (the machine woke them late)
	AfterExit      []string           `json:"after_exit"`       // part 1: workers whose sleep ended clearly after main returned, yet counted as finished (must be empty)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "thread daemon", ID: "T3",
		Speed:  2, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "Workers nobody waits for die with the program",
		Python: "Thread(daemon=True)",
		Go:     "any goroutine — none outlives main; sync.WaitGroup makes main wait for it",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "workers, each sleeping a random 0–2 story-seconds", 10, 1, 50)
			k.Int(&o.ExitAfter, "exit-after", "story-seconds main lives before it returns without waiting", 1, 0, 3)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/threaddaemon/threaddaemon.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

// program stands for one run of a program: workers add to a shared total
// until main returns. After that moment nothing they do counts any more —
// in a real program they would no longer exist.
type program struct {
	mu       sync.Mutex
	exited   bool
	total    int
	finished []string // workers that added to total before main returned
}

// work is one worker: sleep, then add 1 to the shared total — unless the
// program has ended meanwhile. It says how long it sleeps when announce is
// set (part 2 runs the same sleeps again, and main says so once).
func (p *program) work(ctx context.Context, env *demos.Env, name string, delay float64, announce bool) {
	if announce {
		env.Logf(name, ev.Start, "sleeps %.2f story-seconds", delay)
	}
	slept := env.Sleep(ctx, delay) == nil
	p.mu.Lock()
	defer p.mu.Unlock()
	if !slept || p.exited {
		return // cut off: a real program would have killed it mid-sleep, silently
	}
	p.total++
	p.finished = append(p.finished, name)
	env.Log(name, ev.Done, fmt.Sprintf("adds 1: total = %d", p.total), "total", p.total)
}

// exit is main returning: from now on the workers' work is lost. It
// returns the total and who had finished at that instant.
func (p *program) exit() (int, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exited = true
	return p.total, append([]string{}, p.finished...) // [] in JSON when nobody finished, never null
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	n, exitAfter := o.Workers, o.ExitAfter
	names := make([]string, n)
	delays := make([]float64, n)
	for i := range n { // drawn up front, so --seed replays the run
		names[i], delays[i] = fmt.Sprintf("w-%d", i+1), maxWork*env.Rand.Float64()
	}

	env.Phase(fmt.Sprintf("1. \"daemon\" workers: main returns after %d story-seconds without waiting", exitAfter))
	// Each run of the "program" has its own context: cancelling it is the
	// demo's stand-in for the process ending under the workers.
	progCtx, endProgram := context.WithCancel(ctx)
	defer endProgram()
	p := &program{}
	begin := env.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { p.work(progCtx, env, names[i], delays[i], true) })
	}
	if err := env.Sleep(ctx, float64(exitAfter)); err != nil {
		endProgram()
		wg.Wait()
		return ev.Result{}, err
	}
	totalAtExit, finished := p.exit()
	lived := env.Now() - begin
	var cut []string
	for _, name := range names {
		if !slices.Contains(finished, name) {
			cut = append(cut, name)
		}
	}
	env.Log("main", ev.Done, fmt.Sprintf("returns: total = %d; %d finished, %d cut off (%s)",
		totalAtExit, len(finished), len(cut), orNone(cut)), "total", totalAtExit)
	// A real program would end right here, and the operating system would
	// reclaim the sleeping workers. The demo has to go on running, so it
	// cancels them and waits until they have returned: nothing outlives Run.
	endProgram()
	wg.Wait()
	env.Log("main", ev.Note, fmt.Sprintf("a real Go program would simply have exited, taking the %d sleeping goroutines with it; the demo cancelled them instead, so none outlives the run", len(cut)))

	env.Phase("2. \"non-daemon\" workers: main waits for all of them (sync.WaitGroup)")
	p2 := &program{}
	begin = env.Now()
	// The same workers with the same sleeps as part 1: one line says so,
	// not ten (pacing, issue 13).
	env.Logf("main", ev.Start, "starts the same %d workers, same sleeps as part 1", n)
	for i := range n {
		wg.Go(func() { p2.work(ctx, env, names[i], delays[i], false) })
	}
	env.Log("main", ev.Wait, "waits for every worker (wg.Wait)")
	wg.Wait()
	waited := env.Now() - begin
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	totalWaited, _ := p2.exit()
	env.Log("main", ev.Done, fmt.Sprintf("returns: total = %d, after waiting %s", totalWaited, ev.Dur(waited)), "total", totalWaited)
	return conclude(env.Speed, exitAfter, names, delays, finished, totalAtExit, totalWaited, lived, waited), nil
}

// orEmpty is xs, or [] (never null in JSON).
func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func conclude(speed float64, exitAfter int, names []string, delays []float64, finished []string, totalAtExit, totalWaited int, lived, waited time.Duration) ev.Result {
	n := len(names)
	delayMap := make(map[string]float64, n)
	tb := ev.Table{Title: "workers", Header: []string{"worker", "sleeps (story s)", "main returns without waiting", "main waits"}}
	for i, name := range names {
		delayMap[name] = math.Round(delays[i]*1000) / 1000
		fate := "cut off"
		if slices.Contains(finished, name) {
			fate = "finished"
		}
		tb.Rows = append(tb.Rows, []string{name, fmt.Sprintf("%.2f", delays[i]), fate, "finished"})
	}
	cut := n - len(finished)
	// Both directions are judged, worker by worker: a sleep that ended well
	// before main returned must have finished, one that ended well after
	// must have been cut off. Near main's exit (within the pace's slack)
	// either is fair.
	pace := demos.NewPace(speed, float64(exitAfter), lived)
	margin := pace.Slack().Seconds() * speed
	var wokeLate, afterExit []string
	for i, name := range names {
		done := slices.Contains(finished, name)
		switch {
		case !done && delays[i] < float64(exitAfter)-margin:
			wokeLate = append(wokeLate, name)
		case done && delays[i] > pace.StoryGot()+margin:
			afterExit = append(afterExit, name)
		}
	}
	res := ev.Result{
		Metrics: Metrics{Workers: n, ExitAfterS: exitAfter, FinishedAtExit: len(finished), CutOff: cut,
			TotalAtExit: totalAtExit, Finished: finished, DelaysS: delayMap,
			TotalWaited: totalWaited, WaitedMs: ev.Ms(waited),
			MainOnTime: pace.Kept(), WokeLate: orEmpty(wokeLate), AfterExit: orEmpty(afterExit)},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{
			{Label: "main lived without waiting", D: lived},
			{Label: "main waiting for every worker", D: waited},
		},
	}
	res.Verdict = fmt.Sprintf("returning after %d story-s without waiting, main saw total = %d: %d of %d workers finished, %d were cut off; waiting for them, total = %d",
		exitAfter, totalAtExit, len(finished), n, cut, totalWaited)
	switch {
	case totalWaited != n || totalAtExit != len(finished):
		res.Verdict += " — a total does not match the workers that finished: please report it"
	case len(afterExit) > 0:
		res.Verdict += fmt.Sprintf(" — %s finished after main had returned: please report it", strings.Join(afterExit, ", "))
	case !pace.Kept():
		res.Verdict += fmt.Sprintf(": main should return after %d story-s, but ", exitAfter) + pace.Behind()
		res.Hint = demos.PaceHint
	case len(wokeLate) > 0:
		res.Verdict += fmt.Sprintf(": %s slept less than main's %d story-s, yet was cut off — the machine was too busy to wake it in time", strings.Join(wokeLate, ", "), exitAfter)
		res.Hint = demos.PaceHint
	case cut == 0:
		res.Verdict += ": every worker's sleep was shorter than main's life"
		res.Hint = "--exit-after 0, or another --seed"
	default:
		res.Observed = true
	}
	return res
}
