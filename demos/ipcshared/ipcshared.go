// Package ipcshared is scenario I5: child processes share memory — a file
// mapped into each of them — and lose updates to one shared integer unless
// they take its cross-process lock; a child's writes to a shared array are
// the parent's reads.
package ipcshared

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const (
	roleAdder   = "ipc-shared/adder"
	roleDoubler = "ipc-shared/doubler"
	arrayLen    = 10 // the cookbook's Array of 10
)

// beat is the story-seconds of each pause for reading (see run); a
// variable, so that the reliability test can leave the pauses out.
var beat = 4.0

// The window's width in spin steps, chosen from the CPUs (see window).
const (
	stepsParallel = 1_000  // two or more CPUs: processes really overlap
	stepsOneCPU   = 10_000 // one CPU: the window must catch the scheduler's switches
)

// cpus is how many processes can run at once here (a variable, so a test
// can pretend to be a one-core machine).
var cpus = func() int { return runtime.NumCPU() }

// Options are the scenario's knobs.
type Options struct {
	Lock     bool   // take the shared value's lock around each read-modify-write
	Children int    // adder processes
	Count    int    // increments per adder
	Window   string // between read and write: auto, none or spin
}

// Metrics are what the scenario measured.
type Metrics struct {
	Children     int     `json:"children"`      // adder processes (--children)
	Count        int     `json:"count"`         // increments per adder (--count)
	Lock         bool    `json:"lock"`          // each increment held the shared value's cross-process lock (--lock)
	Window       string  `json:"window"`        // what an adder did between its read and its write: none or spin
	WindowSteps  int     `json:"window_steps"`  // spin steps in that window (0 for none), chosen from the CPUs when --window auto
	CPUs         int     `json:"cpus"`          // CPUs this machine offers (runtime.NumCPU)
	Expected     int64   `json:"expected"`      // children × count: the total if no update is lost
	Final        int64   `json:"final"`         // the shared integer at the end, read by the parent
	Lost         int64   `json:"lost"`          // expected - final: updates overwritten by another process
	NsPerUpdate  float64 `json:"ns_per_update"` // mean over the adders of their loop's wall time / count
	Overlapped   bool    `json:"overlapped"`    // the adders' loops overlapped in time (each began before another ended)
	ArrayBefore  []int64 `json:"array_before"`  // the shared array the parent wrote before starting the doubler
	ArraySeen    []int64 `json:"array_seen"`    // the array as the parent read it after the doubler exited
	ArrayDoubled bool    `json:"array_doubled"` // array_seen is array_before doubled: the parent saw the child's writes
	FilesRemoved bool    `json:"files_removed"` // no shared-memory file was left on disk
	Pids         []int   `json:"pids"`          // the adders' process ids, then the doubler's
	Mapped       string  `json:"mapped_in"`     // the directory the shared files were made in (/dev/shm on Linux)
	UpdatesTotal int64   `json:"updates_total"` // increments the adders report having made (= expected unless stopped)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "ipc shared", ID: "I5",
		Title:  "Processes share memory: unlocked increments are lost between processes, the lock makes them exact",
		Python: "multiprocessing.Value / Array (get_lock())",
		Go:     "a file mmapped MAP_SHARED by every process, atomic loads and stores, flock as the lock (proc.Shared)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.Lock, "lock", "take the shared value's lock around each read-modify-write (Python's get_lock())")
			k.Int(&o.Children, "children", "adder processes (the cookbook's idea: 4)", 4, 1, 16)
			k.Int(&o.Count, "count", "increments per adder", 10_000, 1, 1_000_000)
			k.Choice(&o.Window, "window", "what an adder does between reading and writing the integer (auto: a spin chosen from the CPUs)", "auto", "auto", "none", "spin")
		},
		Check: func(o *Options, _ *demos.Knobs) error {
			if total := int64(o.Children) * int64(o.Count); total > 4_000_000 {
				return fmt.Errorf("--children %d × --count %d is %s increments; at most 4,000,000", o.Children, o.Count, ev.Int(total))
			}
			return nil
		},
		Explain:  lesson,
		Lesson:   []string{"demos/ipcshared/kernel.go", "demos/ipcshared/ipcshared.go", "internal/proc/shm_unix.go"},
		Run:      run,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{roleAdder: adder, roleDoubler: doubler},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "not shared", Class: demos.Forbidden, Desc: "the parent did not see the child's writes to the shared array, or a file was left",
				When: func(o *Options, m Metrics) bool { return !m.ArrayDoubled || !m.FilesRemoved }},
			{Name: "lost > 0", Class: demos.Interesting, Desc: "no lock: processes overwrote each other's updates (the lesson)",
				When: func(o *Options, m Metrics) bool { return !o.Lock && m.Lost > 0 }},
			{Name: "lost = 0", Class: demos.Acceptable, Desc: "no lock, yet nothing lost this run (the lesson did not show)",
				When: func(o *Options, m Metrics) bool { return !o.Lock && m.Lost == 0 }},
			{Name: "exact", Class: demos.Acceptable, Desc: "with the lock the total is exact",
				When: func(o *Options, m Metrics) bool { return o.Lock && m.Lost == 0 }},
			{Name: "lost with the lock", Class: demos.Forbidden, Desc: "updates lost although every adder took the lock: a bug",
				When: func(o *Options, m Metrics) bool { return o.Lock && m.Lost != 0 }},
		},
	}.Demo()
}

// window is the spin width: none, or a spin wide enough that the race
// shows. With two or more CPUs, adders run at the same instant and a short
// spin is enough; on one CPU only one runs at a time, and an update is
// lost only when the scheduler switches processes inside the window, so
// the window must be most of the loop and the loop longer than a time
// slice.
func window(o *Options) (string, int) {
	switch o.Window {
	case "none":
		return "none", 0
	case "spin":
		return "spin", stepsParallel
	}
	if cpus() < 2 {
		return "spin", stepsOneCPU
	}
	return "spin", stepsParallel
}

// adderArgs is what the parent tells each adder.
type adderArgs struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
	Steps int    `json:"steps"`
	Lock  bool   `json:"lock"`
}

// adderReport is an adder's account, sent back to the parent.
type adderReport struct {
	Updates int64         `json:"updates"`
	Begin   time.Duration `json:"begin"` // on the parent's clock
	End     time.Duration `json:"end"`
}

// adder maps the shared block, waits at the start line with the others,
// then adds one to word 0 count times.
func adder(ctx context.Context, self *proc.Self) error {
	var a adderArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	sh, err := proc.OpenShared(a.Path)
	if err != nil {
		return err
	}
	defer sh.Close()
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	w := sh.Word(0)
	self.Logf(ev.Start, "adds 1 to the shared integer %s times", ev.Int(int64(a.Count)))
	r := adderReport{Begin: self.Now()}
	for i := range a.Count {
		if i%1024 == 1023 {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			self.Beat()
		}
		if a.Lock {
			if err := sh.Lock(); err != nil {
				return err
			}
			addOne(w, a.Steps)
			if err := sh.Unlock(); err != nil {
				return err
			}
		} else {
			addOne(w, a.Steps)
		}
		r.Updates++
	}
	r.End = self.Now()
	self.Logf(ev.Done, "made %s increments in %s", ev.Int(r.Updates), ev.Dur(r.End-r.Begin))
	return self.Result(r)
}

// doubler maps the shared array and doubles every element in place.
func doubler(ctx context.Context, self *proc.Self) error {
	var path string
	if err := self.Args(&path); err != nil {
		return err
	}
	sh, err := proc.OpenShared(path)
	if err != nil {
		return err
	}
	defer sh.Close()
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	before, after := make([]int64, sh.Len()), make([]int64, sh.Len())
	for i := range sh.Len() {
		before[i] = sh.Word(i).Load()
		sh.Word(i).Store(2 * before[i])
		after[i] = sh.Word(i).Load()
	}
	self.Log(ev.Step, fmt.Sprintf("doubles the shared array in place: %v → %v", before, after))
	return nil
}

// share starts one child per member on a new shared block, lets them all
// map it, removes its name (the memory lives on in the mappings), releases
// them and waits. It returns the block, still mapped here.
func share(ctx context.Context, env *demos.Env, words int, members []proc.Member, role string, fill func(*proc.Shared), paths *[]string) (*proc.Shared, *proc.Group, error) {
	sh, err := proc.CreateShared(words)
	if err != nil {
		return nil, nil, err
	}
	*paths = append(*paths, sh.Path())
	fill(sh)
	for i := range members {
		if members[i].Args == nil {
			members[i].Args = sh.Path()
		}
	}
	g, err := env.Group(ctx, role, members)
	if err != nil {
		sh.Close()
		return nil, nil, err
	}
	if err := g.Ready(ctx); err != nil {
		sh.Close()
		return nil, nil, err
	}
	// Every child has it mapped: the name can go. Nothing is left on disk,
	// however any of us ends from here on.
	if err := sh.Unlink(); err != nil {
		g.Kill()
		sh.Close()
		return nil, nil, err
	}
	if err := g.Release(); err != nil {
		sh.Close()
		return nil, nil, err
	}
	if err := g.Wait(ctx); err != nil {
		sh.Close()
		return nil, nil, err
	}
	return sh, g, nil
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	win, steps := window(o)
	m := Metrics{Children: o.Children, Count: o.Count, Lock: o.Lock, Window: win, WindowSteps: steps, CPUs: cpus(),
		Expected: int64(o.Children) * int64(o.Count)}
	var paths []string
	defer func() {
		for _, p := range paths {
			os.Remove(p) // already gone on every normal path (Unlink, Close)
		}
	}()

	// Part A: one shared integer, several adders.
	how := "no lock"
	if o.Lock {
		how = "each increment under the value's lock (flock on the shared file)"
	}
	env.Phase(fmt.Sprintf("A: %s each add 1 to one shared integer %s times, %s", count(o.Children, "process"), ev.Int(int64(o.Count)), how))
	if win == "spin" {
		env.Log("main", ev.Note, fmt.Sprintf("between read and write each adder spins %d steps: a window wide enough to show the race on %s (say --window none for the bare read-modify-write)", steps, count(m.CPUs, "CPU")))
	}
	args := adderArgs{Count: o.Count, Steps: steps, Lock: o.Lock}
	var sh *proc.Shared
	members := make([]proc.Member, o.Children)
	fill := func(s *proc.Shared) {
		args.Path = s.Path()
		for i := range members {
			members[i] = proc.Member{Name: "adder-" + strconv.Itoa(i+1), Args: args}
		}
		env.Log("main", ev.Step, "mapped "+s.Path()+": one int64, 0", "shm", s.Path())
	}
	// fill sets the members' arguments once the path is known.
	for i := range members {
		members[i] = proc.Member{Name: "adder-" + strconv.Itoa(i+1)}
	}
	// Pacing (issue 13): the counting takes milliseconds; beats before it,
	// after it and after part B let a class read. None is inside the race.
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	shA, g, err := share(ctx, env, 1, members, roleAdder, fill, &paths)
	if err != nil {
		return ev.Result{}, err
	}
	sh = shA
	m.Final = sh.Word(0).Load()
	sh.Close()
	m.Lost = m.Expected - m.Final
	m.Pids = g.Pids()
	var reports []adderReport
	var sum float64
	for _, c := range g.Children() {
		var r adderReport
		if err := c.Result(&r); err != nil {
			return ev.Result{}, err
		}
		reports = append(reports, r)
		m.UpdatesTotal += r.Updates
		if r.Updates > 0 {
			sum += float64(r.End-r.Begin) / float64(r.Updates)
		}
	}
	m.NsPerUpdate = sum / float64(len(reports))
	m.Overlapped = overlapped(reports)
	env.Log("main", ev.Recv, fmt.Sprintf("reads the shared integer: %s (expected %s)", ev.Int(m.Final), ev.Int(m.Expected)), "final", m.Final)
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}

	// Part B: a shared array, doubled by a child.
	env.Phase(fmt.Sprintf("B: a child doubles a shared array of %d; the parent reads it afterwards", arrayLen))
	m.ArrayBefore = make([]int64, arrayLen)
	fillArray := func(s *proc.Shared) {
		for i := range arrayLen {
			s.Word(i).Store(int64(i))
			m.ArrayBefore[i] = int64(i)
		}
		env.Log("main", ev.Step, fmt.Sprintf("writes %v into shared memory", m.ArrayBefore))
	}
	shB, gb, err := share(ctx, env, arrayLen, []proc.Member{{Name: "doubler"}}, roleDoubler, fillArray, &paths)
	if err != nil {
		return ev.Result{}, err
	}
	m.ArraySeen = make([]int64, arrayLen)
	for i := range arrayLen {
		m.ArraySeen[i] = shB.Word(i).Load()
	}
	shB.Close()
	m.Pids = append(m.Pids, gb.Pids()...)
	m.ArrayDoubled = true
	for i := range arrayLen {
		m.ArrayDoubled = m.ArrayDoubled && m.ArraySeen[i] == 2*m.ArrayBefore[i]
	}
	env.Log("main", ev.Recv, fmt.Sprintf("reads the array after the child exited: %v", m.ArraySeen))
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	m.FilesRemoved = true
	for _, p := range paths {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			m.FilesRemoved = false
		}
	}
	if len(paths) > 0 {
		m.Mapped = dirOf(paths[0])
	}
	res := conclude(m)
	res.Timing = []ev.Timing{{Label: "an adder's loop, per update", D: time.Duration(m.NsPerUpdate)}}
	return res, nil
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "."
}

// overlapped says whether the adders ran at the same time: every loop
// began before some other loop ended (with one adder there is nobody to
// overlap with).
func overlapped(rs []adderReport) bool {
	if len(rs) < 2 {
		return false
	}
	for i, a := range rs {
		ok := false
		for j, b := range rs {
			if i != j && a.Begin < b.End && b.Begin < a.End {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	array := fmt.Sprintf("; the child's doubling of the shared array was the parent's to read (%v), unlike proc fork, where a child's memory is its own", m.ArraySeen)
	switch {
	case !m.ArrayDoubled:
		res.Verdict = fmt.Sprintf("the parent read %v after the child doubled %v — the memory was not shared: a bug in this demo", m.ArraySeen, m.ArrayBefore)
	case !m.FilesRemoved:
		res.Verdict = "a shared-memory file was left behind — a bug in this demo"
	case m.Lock && m.Lost == 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("with the lock: %s increments from %s, total %s, exact", ev.Int(m.Expected), count(m.Children, "process"), ev.Int(m.Final)) + array
	case m.Lock:
		res.Verdict = fmt.Sprintf("with the lock, %s of %s updates were lost — the lock did not serialise the processes: a bug", ev.Int(m.Lost), ev.Int(m.Expected))
	case m.Lost > 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("lost %s of %s updates (%.1f%%): the processes overwrote each other's increments in the shared memory", ev.Int(m.Lost), ev.Int(m.Expected), 100*float64(m.Lost)/float64(m.Expected)) + array
	case m.Children == 1:
		res.Verdict = "one adder has nobody to race: no update lost" + array
		res.Hint = "--children 4"
	default:
		res.Verdict = fmt.Sprintf("no update lost this run: the %s did not overlap inside the window", count(m.Children, "process")) + array
		if m.Window == "none" {
			res.Hint = "--window spin"
		} else {
			res.Hint = "--count 100000"
		}
	}
	return res
}

// count says "1 process", "4 processes".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if thing[len(thing)-1] == 's' {
		return fmt.Sprintf("%d %ses", n, thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
