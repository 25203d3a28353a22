// Package procdaemon is scenario P4: a daemon child is ended when its
// parent's main code ends, a non-daemon child is waited for; and if the
// parent is killed outright, pardemo's children die with it.
package procdaemon

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// nap is the cookbook's: both children sleep 3 seconds.
const nap = 3.0

// goneWithin is how long the children of a killed parent may take to die.
const goneWithin = 5 * time.Second

const (
	roleMain    = "proc daemon/main"
	roleSleeper = "proc daemon/sleeper"
)

// Options are the scenario's knobs.
type Options struct {
	Nap float64 // story seconds each child sleeps
}

// Kid is one child of the main process, as the scenario saw it end.
type Kid struct {
	Name     string `json:"name"`      // background_process or no_background_process
	Daemon   bool   `json:"daemon"`    // started with daemon=True
	Pid      int    `json:"pid"`       // its process id
	Exitcode string `json:"exitcode"`  // multiprocessing's exitcode ("-15" when terminated)
	GoStatus string `json:"go_status"` // Go's ProcessState.String() ("signal: terminated")
	Exited   bool   `json:"exited"`    // it printed "Exiting": it finished its sleep
}

// Metrics are what the scenario measured.
type Metrics struct {
	Nap           float64  `json:"nap"`             // story seconds each child sleeps (--nap)
	MainPid       int      `json:"main_pid"`        // part A: the main process (Python's main program), a child of pardemo
	Kids          []Kid    `json:"kids"`            // part A: the daemon child, then the non-daemon child
	MainEndedS    float64  `json:"main_ended_s"`    // part A: when the main process exited, story seconds after it started its children
	MainExitcode  string   `json:"main_exitcode"`   // part A: the main process's exitcode ("0")
	MainGo        string   `json:"main_go"`         // part A: the same in Go's words ("exit status 0")
	KilledPid     int      `json:"killed_pid"`      // part B: the main process killed with SIGKILL
	KilledStatus  string   `json:"killed_status"`   // part B: its exitcode ("-9")
	KilledGo      string   `json:"killed_go"`       // part B: the same in Go's words ("signal: killed")
	OrphanPids    []int    `json:"orphan_pids"`     // part B: its children (a daemon and a non-daemon), which must die with it
	OrphansDeadMs float64  `json:"orphans_dead_ms"` // part B: how long after the kill the last of them had died (a zombie or gone)
	OrphansGoneMs float64  `json:"orphans_gone_ms"` // part B: how long after the kill the last of them was reaped (by pardemo, their subreaper, on Linux; by init elsewhere)
	OrphanEnds    []string `json:"orphan_ends"`     // part B: how each of them ended, as its reaper saw it ("signal: killed": Linux's death signal)
	OrphansExited bool     `json:"orphans_exited"`  // part B: one of them finished its sleep (it must not)
	LeftOver      []int    `json:"left_over"`       // pids of any process of the run still there at the end (must be empty)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc daemon", ID: "P4",
		Speed:  2, // pacing (issue 13): about 3.8 story-s, 2 s at 2× (10× was 0.4 s)
		Title:  "A daemon child ends when its parent's code ends; a non-daemon child is waited for",
		Python: "Process.daemon = True",
		Go:     "the parent ends such children itself (SIGTERM), waits for the others; Linux's death signal and a closed stdin end the rest",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Float(&o.Nap, "nap", "story seconds each child sleeps", nap, 1, 10)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/procdaemon/procdaemon.go", "internal/proc/child.go", "internal/proc/sys_linux.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{roleMain: mainProcess, roleSleeper: sleeper},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "left over", Class: demos.Forbidden, Desc: "a process of the run survived it",
				When: func(_ *Options, m Metrics) bool { return len(m.LeftOver) > 0 }},
			{Name: "as Python does", Class: demos.Interesting, Desc: "daemon terminated at the main code's end, non-daemon ran to completion, orphans died with their parent",
				When: func(o *Options, m Metrics) bool { return problem(o.Nap, 10, m) == "" }},
			{Name: "daemon finished", Class: demos.Acceptable, Desc: "the daemon finished its sleep before it was terminated: the machine could not keep the pace",
				When: func(o *Options, m Metrics) bool { return len(m.Kids) == 2 && m.Kids[0].Exited }},
			{Name: "wrong ending", Class: demos.Forbidden, Desc: "a child did not end the way its daemon flag says",
				When: func(*Options, Metrics) bool { return true }},
		},
	}.Demo()
}

// sleeper is the cookbook's foo: print, sleep, print.
func sleeper(ctx context.Context, self *proc.Self) error {
	var secs float64
	if err := self.Args(&secs); err != nil {
		return err
	}
	self.Log(ev.Start, "Starting "+self.Name, "ppid", self.ParentPid)
	if err := self.Sleep(ctx, secs); err != nil {
		return nil // ended from outside: no "Exiting" line
	}
	self.Log(ev.Done, "Exiting "+self.Name, "exited", true)
	return self.Result(true)
}

// mainArgs tells the main process how long its children sleep and
// whether to wait to be killed (part B) instead of ending.
type mainArgs struct {
	Nap      float64
	BeKilled bool
}

// mainReport is what the main process tells pardemo.
type mainReport struct {
	Kids   []Kid
	Ending time.Duration // when its code ended, on the scenario clock
	Start  time.Duration // when it had started both children
}

// mainProcess is the cookbook's main program: start a daemon child and a
// non-daemon child, and end. What happens then is Python's exit: daemons
// are terminated, the others joined (Self.Shutdown).
func mainProcess(ctx context.Context, self *proc.Self) error {
	var a mainArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	var kids []*proc.Child
	for _, k := range []struct {
		name   string
		daemon bool
	}{{"background_process", true}, {"no_background_process", false}} {
		c, err := self.Spawn(ctx, roleSleeper, k.name, a.Nap, k.daemon)
		if err != nil {
			return err
		}
		self.Log(ev.Step, fmt.Sprintf("started %s (daemon=%v), pid %d", k.name, k.daemon, c.Pid), "grandchild", c.Pid, "daemon", k.daemon)
		kids = append(kids, c)
	}
	start := self.Now()
	if a.BeKilled {
		self.Log(ev.Wait, "waits (to be killed)")
		<-ctx.Done() // the kill comes first; this is for a stopped run
		return nil
	}
	// The main code ends here. Python's exit follows.
	self.Log(ev.Step, "main code ends: terminate the daemon children, join the others")
	end := self.Now()
	self.Shutdown()
	r := mainReport{Ending: end, Start: start}
	for i, c := range kids {
		st := c.Status()
		var exited bool
		_ = c.Result(&exited)
		r.Kids = append(r.Kids, Kid{Name: c.Name, Daemon: i == 0, Pid: c.Pid, Exitcode: st.Python(), GoStatus: st.Go, Exited: exited})
	}
	self.Log(ev.Done, "all children ended; exiting")
	return self.Result(r)
}

// watch collects the grandchildren's pids and their "Exiting" lines from
// the events the main process passes on.
type watch struct {
	mu     sync.Mutex
	pids   []int
	exited map[float64]bool
	both   chan struct{}
	ended  map[int]time.Duration
	env    *demos.Env
}

func newWatch(env *demos.Env) *watch {
	return &watch{exited: map[float64]bool{}, both: make(chan struct{}), ended: map[int]time.Duration{}, env: env}
}

func (w *watch) edit(s *proc.Spec) {
	next := s.OnEvent
	s.OnEvent = func(c *proc.Child, e ev.Event) {
		w.mu.Lock()
		if g, ok := e.Attrs["grandchild"].(float64); ok {
			w.pids = append(w.pids, int(g))
			if len(w.pids) == 2 {
				close(w.both)
			}
		}
		if e.Attrs["exited"] == true {
			if p, ok := e.Attrs["pid"].(float64); ok {
				w.exited[p] = true
			}
		}
		w.mu.Unlock()
		next(c, e)
	}
}

func (w *watch) grandchildren() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]int(nil), w.pids...)
}

func (w *watch) anyExited(pids []int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range pids {
		if w.exited[float64(p)] {
			return true
		}
	}
	return false
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{Nap: o.Nap}

	env.Phase(fmt.Sprintf("A: the main process starts a daemon child and a non-daemon child, both sleeping %g story-seconds, and ends", o.Nap))
	wa := newWatch(env)
	main, err := env.SpawnWith(ctx, roleMain, "main", mainArgs{Nap: o.Nap}, wa.edit)
	if err != nil {
		return ev.Result{}, err
	}
	m.MainPid = main.Pid
	var r mainReport
	if err := main.Result(&r); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	mainEnd := env.Now()
	m.MainExitcode, m.MainGo = main.Status().Python(), main.Status().Go
	m.MainEndedS = (mainEnd - r.Start).Seconds() * env.Speed
	m.Kids = r.Kids
	for _, k := range m.Kids {
		env.Log("pardemo", ev.Step, fmt.Sprintf("%s (pid %d, daemon=%v): exitcode %s (%s), finished its sleep: %v",
			k.Name, k.Pid, k.Daemon, k.Exitcode, k.GoStatus, k.Exited))
	}
	env.Log("pardemo", ev.Step, fmt.Sprintf("the main process exited %.1f story-s after starting them", m.MainEndedS))

	env.Phase("B: a main process with the same two children is killed outright (SIGKILL): no exit code of its own runs")
	wb := newWatch(env)
	doomed, err := env.SpawnWith(ctx, roleMain, "doomed", mainArgs{Nap: o.Nap, BeKilled: true}, wb.edit)
	if err != nil {
		return ev.Result{}, err
	}
	m.KilledPid = doomed.Pid
	select {
	case <-wb.both:
	case <-doomed.Done():
		return ev.Result{}, fmt.Errorf("the main process ended before starting its children: %v", doomed.Err())
	case <-ctx.Done():
		return ev.Result{}, demos.Stopped(ctx)
	}
	m.OrphanPids = wb.grandchildren()
	if err := env.Sleep(ctx, 0.5); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	// Adopt the orphans-to-be, so that they come to pardemo, not to init.
	undo, adoptErr := adopt()
	defer undo()
	killed := time.Now()
	doomed.Signal(killSignal)
	env.Log("pardemo", ev.Step, fmt.Sprintf("sent SIGKILL to the main process, pid %d (only to it, not to its children)", doomed.Pid))
	doomed.WaitCtx(ctx)
	m.KilledStatus, m.KilledGo = doomed.Status().Python(), doomed.Status().Go
	for time.Since(killed) < goneWithin && (running(m.OrphanPids[0]) || running(m.OrphanPids[1])) {
		env.Beat()
		time.Sleep(time.Millisecond)
	}
	m.OrphansDeadMs = ev.Ms(time.Since(killed))
	m.OrphansExited = wb.anyExited(m.OrphanPids)
	env.Log("pardemo", ev.Step, fmt.Sprintf("its children %v were dead %s after the kill", m.OrphanPids, ev.Dur(time.Since(killed))))
	// Reap them, even when the run is being stopped: nothing of it may be
	// left, not even a zombie.
	for _, p := range m.OrphanPids {
		how, err := reapOrphan(p, goneWithin, env.Beat)
		if err != nil {
			how = err.Error()
		}
		m.OrphanEnds = append(m.OrphanEnds, how)
	}
	undo()
	m.OrphansGoneMs = ev.Ms(time.Since(killed))
	who := "pardemo (their subreaper)"
	if adoptErr != nil {
		who = "init"
	}
	env.Log("pardemo", ev.Step, fmt.Sprintf("reaped by %s %s after the kill: %v", who, ev.Dur(time.Since(killed)), m.OrphanEnds))
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}

	for _, p := range append([]int{m.MainPid, m.KilledPid}, m.OrphanPids...) {
		if exists(p) {
			m.LeftOver = append(m.LeftOver, p)
		}
	}
	for _, k := range m.Kids {
		if exists(k.Pid) {
			m.LeftOver = append(m.LeftOver, k.Pid)
		}
	}
	return conclude(o.Nap, env.Speed, m), nil
}

func end(ends []string, i int) string {
	if i < len(ends) {
		return ends[i]
	}
	return ""
}

// problem is the first claim of the lesson the run contradicts, or "".
func problem(napS, speed float64, m Metrics) string {
	if len(m.LeftOver) > 0 {
		return fmt.Sprintf("processes %v were still there after the run", m.LeftOver)
	}
	if len(m.Kids) != 2 {
		return fmt.Sprintf("%d children reported, want 2", len(m.Kids))
	}
	d, n := m.Kids[0], m.Kids[1]
	switch {
	case d.Exited || d.Exitcode != "-15":
		return fmt.Sprintf("the daemon child ended with exitcode %s and finished its sleep: %v; it should be terminated (−15) before it finishes", d.Exitcode, d.Exited)
	case m.MainExitcode != "0" || m.KilledStatus != "-9":
		return fmt.Sprintf("the main processes ended with exitcodes %s and %s, want 0 and -9", m.MainExitcode, m.KilledStatus)
	case !n.Exited || n.Exitcode != "0":
		return fmt.Sprintf("the non-daemon child ended with exitcode %s and finished its sleep: %v; it should run to completion (0)", n.Exitcode, n.Exited)
	case m.MainEndedS < napS*0.95:
		return fmt.Sprintf("the main process exited %.1f story-s after starting its children, before the non-daemon's %g: it did not wait", m.MainEndedS, napS)
	case len(m.OrphanPids) != 2 || m.OrphansExited:
		return fmt.Sprintf("the children of the killed process %v did not all die before finishing (one printed Exiting: %v)", m.OrphanPids, m.OrphansExited)
	case time.Duration(m.OrphansDeadMs*float64(time.Millisecond)) >= goneWithin:
		return fmt.Sprintf("the children of the killed process were still running %s after the kill", goneWithin)
	}
	return ""
}

func conclude(napS, speed float64, m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	tab := ev.Table{Title: "Every process of the run", Header: []string{"process", "pid", "ended", "Python exitcode", "Go"}}
	for _, k := range m.Kids {
		how := "terminated before finishing"
		if k.Exited {
			how = "finished its sleep"
		}
		tab.Rows = append(tab.Rows, []string{fmt.Sprintf("%s (daemon=%v)", k.Name, k.Daemon), fmt.Sprint(k.Pid), how, k.Exitcode, k.GoStatus})
	}
	tab.Rows = append(tab.Rows, []string{"main", fmt.Sprint(m.MainPid), fmt.Sprintf("exited %.1f story-s after starting them", m.MainEndedS), m.MainExitcode, m.MainGo})
	tab.Rows = append(tab.Rows, []string{"doomed", fmt.Sprint(m.KilledPid), "killed by pardemo", m.KilledStatus, m.KilledGo})
	for i, p := range m.OrphanPids {
		tab.Rows = append(tab.Rows, []string{"a child of doomed", fmt.Sprint(p), fmt.Sprintf("dead %.0f ms after the kill", m.OrphansDeadMs), "", end(m.OrphanEnds, i)})
	}
	res.Tables = []ev.Table{tab}
	if why := problem(napS, speed, m); why != "" {
		res.Verdict = why
		if len(m.LeftOver) == 0 && len(m.Kids) == 2 && m.Kids[0].Exited {
			res.Hint = demos.PaceHint // terminated too late to stop a short sleep
		}
		return res
	}
	res.Observed = true
	res.Verdict = fmt.Sprintf("the daemon child was terminated (−15) when the main code ended, the non-daemon ran its %g story-s to completion (0) and the main process waited for it; the children of a SIGKILLed parent were dead %.0f ms after it; no process left",
		napS, m.OrphansDeadMs)
	res.Short = "daemon −15, non-daemon 0, none left"
	return res
}
