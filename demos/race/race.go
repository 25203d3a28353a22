// Package race is scenario S1: the lost-update race on a shared counter.
package race

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/race"
)

//go:embed lesson.md
var lesson string

// maxUpdates bounds workers × count × trials (× 2 with --compare), so a
// typo cannot keep the projector busy for an hour.
const maxUpdates = 250_000_000

// Options are the scenario's knobs.
type Options struct {
	Lock     bool   // protect the counter with a mutex: --protect mutex
	Mode     string // how the counter is protected: none, mutex, atomic or channel
	Workers  int    // goroutines sharing the counter
	Count    int    // updates per worker
	Window   string // between read and write: auto, none, spin or yield
	Plain    bool   // with --protect none: a plain n = n + 1 data race instead
	Trials   int    // how many times to run it
	Compare  bool   // run unprotected and protected back to back
	Detector bool   // with --plain: build it as a program of its own with -race and show the race detector's report
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "race", ID: "S1",
		Title:  "Lost updates: workers share a counter without a lock",
		Python: "threading.Lock", Go: "sync.Mutex, sync/atomic or a channel",
		Explain: lesson,
		// The counters first: the lost update is a five-line loop there.
		// Then the true data race, then how the scenario runs them, then
		// the data race as a program of its own, for --detector.
		Lesson: []string{"internal/race/counters.go", "internal/race/plain_norace.go", "demos/race/race.go", "internal/race/racy/racy.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.Lock, "lock", "protect the counter with a mutex (same as --protect mutex)")
			k.Choice(&o.Mode, "protect", "how the counter is protected", "none", "none", "mutex", "atomic", "channel")
			k.Alias("mode", "protect") // the old spelling, for one release
			k.Int(&o.Workers, "workers", "goroutines; 2 = the cookbook's adder and subtractor, otherwise every worker adds", 2, 1, 10_000)
			k.Int(&o.Count, "count", "updates per worker", 1_000_000, 1, 100_000_000)
			k.Choice(&o.Window, "window", "what a worker does between reading and writing the counter", "auto", "auto", "none", "spin", "yield")
			k.Bool(&o.Plain, "plain", "with --protect none: a plain n = n + 1 data race instead of atomic load + store")
			k.Int(&o.Trials, "trials", "run it this many times and show the distribution", 1, 1, 1_000)
			k.Bool(&o.Compare, "compare", "run unprotected and protected back to back, side by side")
			k.Bool(&o.Detector, "detector", "with --plain: build the data race as a program of its own with go build -race (needs the Go toolchain and a C compiler), run it and explain the race detector's report")
		},
		Check:    check,
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
	}.Demo()
}

func check(o *Options, k *demos.Knobs) error {
	if o.Lock && k.Changed("protect") && o.Mode != "mutex" {
		return fmt.Errorf("--lock means --protect mutex; it cannot be combined with --protect %s", o.Mode)
	}
	if o.Plain {
		if o.Lock || o.Mode != string(race.None) || o.Compare {
			return errors.New("--plain is the unprotected counter: it goes with --protect none and without --compare")
		}
		if !race.PlainAvailable && !o.Detector {
			return errors.New("--plain is left out of builds with -race: the race detector would stop the data race it is built to find")
		}
	}
	if o.Detector {
		if err := checkDetector(o, k); err != nil {
			return err
		}
	}
	total := o.Workers * o.Count * o.Trials
	if o.Compare {
		total *= 2
	}
	if total > maxUpdates {
		return fmt.Errorf("--workers × --count × --trials asks for %s updates; the limit is %s", ev.Int(total), ev.Int(maxUpdates))
	}
	return nil
}

// mode is the protection the user asked for: --lock is shorthand for mutex.
func mode(o *Options) race.Mode {
	if o.Lock {
		return race.Mutex
	}
	if o.Plain {
		return race.Plain
	}
	return race.Mode(o.Mode)
}

// cpus is how many goroutines can run at once here (a variable, so a
// test can pretend to be a one-core machine).
var cpus = func() int { return runtime.GOMAXPROCS(0) }

// setup is one trial's shape: who adds what, how often, through which window.
type setup struct {
	mode   race.Mode
	window race.Window
	names  []string
	deltas []int64
	count  int
}

func (s setup) expected() int64 {
	var sum int64
	for _, d := range s.deltas {
		sum += d * int64(s.count)
	}
	return sum
}

func newSetup(o *Options, m race.Mode) setup {
	s := setup{mode: m, count: o.Count, window: race.Window(o.Window)}
	if s.window == "auto" {
		// With a long loop a few spin steps make the race show even on a busy
		// machine. With many workers doing one update each, a spin ends before
		// the next worker has even started: they must yield, as the cookbook's
		// workers sleep.
		s.window = race.Spin
		// On one CPU (GOMAXPROCS=1: taskset -c 0, a one-core container)
		// only one worker runs at a time, and the scheduler switches
		// about every 10ms: a spin of a few steps is almost never
		// interrupted (measured: 0 lost in 5 of 5 runs). A yield inside
		// the window hands the CPU over exactly there (lost in 3 of 3).
		if s.count <= 100 || cpus() == 1 {
			s.window = race.Yield
		}
	}
	n := o.Workers
	if n == 2 {
		s.names, s.deltas = []string{"adder", "subtractor"}, []int64{1, -1}
		return s
	}
	for i := range n {
		s.names = append(s.names, fmt.Sprintf("worker-%d", i+1))
		s.deltas = append(s.deltas, 1)
	}
	return s
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if o.Detector {
		return runDetector(ctx, env, o, o.Count) // detector.go
	}
	primary := newSetup(o, mode(o))
	trials := o.Trials
	introduce(env, primary)
	if o.Window == "auto" && primary.window == race.Yield && o.Count > 100 {
		env.Log("main", ev.Note, "only one CPU here (GOMAXPROCS=1): one worker runs at a time, and a spin would almost never be interrupted mid-update, so the window is a yield")
	}
	// Pacing (issue 13): the counting takes milliseconds; a beat before
	// and after it lets a class read the set-up, then the outcome.
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}

	var sides []side
	if o.Compare {
		broken := primary
		broken.mode = race.None
		fixed := primary
		if fixed.mode == race.None {
			fixed.mode = race.Mutex
		}
		for _, s := range []setup{broken, fixed} {
			env.Phase(fmt.Sprintf("%s: %d trial(s)", label(s.mode), trials))
			sd, err := runTrials(ctx, env, s, trials)
			if err != nil {
				return ev.Result{}, err
			}
			sides = append(sides, sd)
		}
	} else {
		sd, err := runTrials(ctx, env, primary, trials)
		if err != nil {
			return ev.Result{}, err
		}
		sides = append(sides, sd)
	}
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	explainAfter(env, sides)
	return conclude(sides), nil
}

// beat is the story-seconds of each pause for reading (see run).
const beat = 5

// side is every trial of one setup.
type side struct {
	setup
	finals []int64
	walls  []time.Duration
}

// cancels is true when some workers add and others subtract: a lost
// addition and a lost subtraction then cancel out, so the drift from the
// expected value is only a lower bound on the updates lost.
func (s setup) cancels() bool {
	return slices.Contains(s.deltas, 1) && slices.Contains(s.deltas, -1)
}

// unprotected is true for the modes that can lose updates. With a lock (or
// an atomic add, or one owner) a drift of 0 does mean nothing was lost.
func (s setup) unprotected() bool { return s.mode == race.None || s.mode == race.Plain }

// lost is how far trial i ended from the expected value.
func (s side) lost(i int) int64 {
	d := s.finals[i] - s.expected()
	if d < 0 {
		d = -d
	}
	return d
}

func (s side) runsWithLoss() int {
	n := 0
	for i := range s.finals {
		if s.lost(i) > 0 {
			n++
		}
	}
	return n
}

func (s side) meanWall() time.Duration {
	var sum time.Duration
	for _, w := range s.walls {
		sum += w
	}
	return sum / time.Duration(len(s.walls))
}

func (s side) nsPerUpdate() float64 {
	return float64(s.meanWall().Nanoseconds()) / float64(len(s.deltas)*s.count)
}

func runTrials(ctx context.Context, env *demos.Env, s setup, trials int) (side, error) {
	sd := side{setup: s}
	verbose := trials == 1 && len(s.names) <= 8
	for t := range trials {
		if ctx.Err() != nil {
			return sd, demos.Stopped(ctx)
		}
		if verbose {
			for i, name := range s.names {
				env.Log(name, ev.Start, fmt.Sprintf("%s 1, %s times", verb(s.deltas[i]), ev.Int(s.count)), "delta", s.deltas[i], "count", s.count)
			}
		}
		begin := env.Now()
		final, err := race.Run(ctx, race.Job{Mode: s.mode, Window: s.window, Deltas: s.deltas, Count: s.count, Beat: env.Beat})
		if ctx.Err() != nil {
			return sd, demos.Stopped(ctx)
		}
		if err != nil {
			return sd, err
		}
		wall := env.Now() - begin
		sd.finals, sd.walls = append(sd.finals, final), append(sd.walls, wall)
		lost := sd.lost(t)
		if verbose {
			for _, name := range s.names {
				env.Logf(name, ev.Done, "finished its %s updates, believing every one counted", ev.Int(s.count))
			}
		}
		msg := fmt.Sprintf("final value %s, expected %s", ev.Int(final), ev.Int(s.expected()))
		switch {
		case lost == 0 && s.cancels() && s.unprotected():
			msg += ": no drift, so none visible (a lost addition and a lost subtraction cancel)"
		case lost == 0:
			msg += ": nothing lost"
		case s.cancels():
			msg += fmt.Sprintf(": at least %s updates lost", ev.Int(lost))
		default:
			msg += fmt.Sprintf(": %s updates lost", ev.Int(lost))
		}
		if trials > 1 {
			msg = fmt.Sprintf("trial %d/%d: %s", t+1, trials, msg)
		}
		kind := ev.Step
		if lost > 0 {
			kind = ev.Warn
		}
		env.Log("main", kind, msg, "trial", t+1, "final", final, "expected", s.expected(), "lost", lost, "wall_ms", ev.Ms(wall))
	}
	return sd, nil
}

func verb(d int64) string {
	if d < 0 {
		return "subtracts"
	}
	return "adds"
}

func label(m race.Mode) string {
	switch m {
	case race.None:
		return "unprotected (atomic load, then store)"
	case race.Plain:
		return "unprotected (plain n = n + 1)"
	case race.Mutex:
		return "mutex"
	case race.Atomic:
		return "atomic add"
	case race.Channel:
		return "channel owner"
	}
	return string(m)
}

func introduce(env *demos.Env, s setup) {
	n := len(s.names)
	switch {
	case n == 2:
		env.Logf("main", ev.Note, "the counter starts at 0; %s adds 1 and %s subtracts 1, %s times each: a correct run ends at 0",
			s.names[0], s.names[1], ev.Int(s.count))
	case n == 1:
		env.Logf("main", ev.Note, "one worker adds 1, %s times: with nobody to race against, nothing can be lost", ev.Int(s.count))
	default:
		env.Logf("main", ev.Note, "%s workers each add 1, %s time(s): a correct run ends at %s", ev.Int(n), ev.Int(s.count), ev.Int(s.expected()))
	}
	env.Logf("main", ev.Note, "protection: %s; between read and write each worker %s", label(s.mode), windowText(s.window))
	env.Log("main", ev.Note, "all workers wait at a start line and are released together, so they really overlap")
}

func windowText(w race.Window) string {
	switch w {
	case race.Spin:
		return fmt.Sprintf("spins %d steps (a widened window, see 'pardemo explain race')", race.SpinSteps)
	case race.Yield:
		return "yields to the scheduler, like the cookbook's short sleep"
	}
	return "does nothing (the bare read-modify-write)"
}

func explainAfter(env *demos.Env, sides []side) {
	for _, s := range sides {
		if s.runsWithLoss() == 0 {
			continue
		}
		if slices.Contains([]race.Mode{race.None, race.Plain}, s.mode) {
			env.Log("main", ev.Note, "why: an update is read, add, write. When another worker writes between this worker's read and its write, one of the two writes is overwritten: that update is lost")
			if s.mode == race.None {
				env.Log("main", ev.Note, "each read and each write here is atomic, so this is no data race (go test -race stays quiet), yet the update as a whole is not atomic; --plain shows the true data race")
			}
			break
		}
	}
}
