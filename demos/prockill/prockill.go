// Package prockill is scenario P5: a child is alive with its pid, is
// terminated, is dead, and leaves an exit status — beside a normal exit,
// an error exit and a SIGKILL.
package prockill

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// The story: the child works 2 story-seconds; the parent terminates it
// half a story-second after it started.
const (
	work      = 2.0
	killAfter = 0.5
	// readingBeat is the pause between parts A and B, for reading.
	readingBeat = 1.0
)

const roleWorker = "proc kill/worker"

// Options are the scenario's knobs.
type Options struct {
	ExitCode int // the error exit's code
}

// Ending is how one child ended.
type Ending struct {
	How      string `json:"how"`       // what the parent did, or what the child did
	Pid      int    `json:"pid"`       // the child's process id
	Exitcode string `json:"exitcode"`  // multiprocessing's exitcode: the code, or minus the signal
	Code     int    `json:"code"`      // Go's ProcessState.ExitCode(): -1 when a signal ended it
	Signal   int    `json:"signal"`    // the signal that ended it (syscall.WaitStatus), 0 if none
	GoStatus string `json:"go_status"` // Go's ProcessState.String()
	Finished bool   `json:"finished"`  // the child printed its last line
}

// Metrics are what the scenario measured.
type Metrics struct {
	AliveRunning        bool     `json:"alive_running"`         // is_alive() while the child ran
	AliveAfterTerminate bool     `json:"alive_after_terminate"` // is_alive() right after terminate(), before join
	AliveAfterJoin      bool     `json:"alive_after_join"`      // is_alive() after join (false)
	ExitcodeRunning     string   `json:"exitcode_running"`      // exitcode while it ran ("None")
	Endings             []Ending `json:"endings"`               // terminated, normal exit, error exit, killed: in that order
	ExitCode            int      `json:"exit_code"`             // the error exit's code (--exit-code)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc kill", ID: "P5",
		Speed:  1, // pacing (issue 13): about 1.2 story-s, the cookbook's own pace (10× was 0.12 s)
		Title:  "Terminate a child process and read how it ended: an exit code, or the signal",
		Python: "Process.terminate(), is_alive(), exitcode (−15 for SIGTERM)",
		Go:     "Process.Signal(syscall.SIGTERM); ProcessState.ExitCode() and Sys().(syscall.WaitStatus).Signal()",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.ExitCode, "exit-code", "the exit code of the child that ends with an error", 3, 1, 125)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/prockill/prockill.go", "internal/proc/status.go", "internal/proc/status_unix.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{roleWorker: worker},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "statuses as expected", Class: demos.Interesting, Desc: "alive, then dead with −15 / signal: terminated; 0, the error code, −9",
				When: func(o *Options, m Metrics) bool { return problem(o.ExitCode, m) == "" }},
			{Name: "wrong status", Class: demos.Forbidden, Desc: "a child's status or aliveness was not what the lesson says",
				When: func(*Options, Metrics) bool { return true }},
		},
	}.Demo()
}

// job is what a worker is told to do.
type job struct {
	Work     float64
	ExitCode int
}

// worker prints a first line, works, prints a last line, and exits with
// the code it was given.
func worker(ctx context.Context, self *proc.Self) error {
	var j job
	if err := self.Args(&j); err != nil {
		return err
	}
	self.Log(ev.Start, "starting", "ppid", self.ParentPid)
	if err := self.Sleep(ctx, j.Work); err != nil {
		return err
	}
	self.Log(ev.Done, fmt.Sprintf("finished; exiting with code %d", j.ExitCode), "finished", true)
	if j.ExitCode != 0 {
		os.Exit(j.ExitCode) // Python's sys.exit(code)
	}
	return nil
}

// finishedSet remembers which children printed their last line.
type finishedSet struct {
	mu  sync.Mutex
	pid map[int]bool
}

func (f *finishedSet) watch(s *proc.Spec) {
	next := s.OnEvent
	s.OnEvent = func(c *proc.Child, e ev.Event) {
		if e.Attrs["finished"] == true {
			f.mu.Lock()
			f.pid[c.Pid] = true
			f.mu.Unlock()
		}
		next(c, e)
	}
}

func (f *finishedSet) has(pid int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pid[pid]
}

func ending(how string, c *proc.Child, fin *finishedSet) Ending {
	st := c.Status()
	return Ending{How: how, Pid: c.Pid, Exitcode: st.Python(), Code: st.Code, Signal: st.Signal, GoStatus: st.Go, Finished: fin.has(c.Pid)}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{ExitCode: o.ExitCode}
	fin := &finishedSet{pid: map[int]bool{}}
	spawn := func(name string, j job) (*proc.Child, error) {
		return env.SpawnWith(ctx, roleWorker, name, j, fin.watch)
	}
	wait := func(c *proc.Child) error {
		c.WaitCtx(ctx) // its error is the status this scenario reads
		if ctx.Err() != nil {
			return demos.Stopped(ctx)
		}
		return nil
	}

	env.Phase(fmt.Sprintf("A: start a child that works %g story-seconds, terminate it after %g", work, killAfter))
	c, err := spawn("worker", job{Work: work})
	if err != nil {
		return ev.Result{}, err
	}
	m.AliveRunning, m.ExitcodeRunning = c.Alive(), c.Status().Python()
	env.Log("parent", ev.Step, fmt.Sprintf("started pid %d: is_alive() = %v, exitcode = %s", c.Pid, m.AliveRunning, m.ExitcodeRunning))
	if err := env.Sleep(ctx, killAfter); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if err := c.Terminate(); err != nil {
		env.Log("parent", ev.Warn, "terminate: "+err.Error())
	}
	m.AliveAfterTerminate = c.Alive()
	env.Log("parent", ev.Step, fmt.Sprintf("terminate() sent SIGTERM; right after it: is_alive() = %v (not reaped yet)", m.AliveAfterTerminate))
	if err := wait(c); err != nil {
		return ev.Result{}, err
	}
	m.AliveAfterJoin = c.Alive()
	e := ending("terminated (SIGTERM)", c, fin)
	m.Endings = append(m.Endings, e)
	env.Log("parent", ev.Step, fmt.Sprintf("join(): is_alive() = %v, exitcode = %s; Go: %q", m.AliveAfterJoin, e.Exitcode, e.GoStatus))
	// Pacing (issue 13): a beat to read part A's exitcode before part B.
	if err := env.Sleep(ctx, readingBeat); err != nil {
		return ev.Result{}, err
	}

	env.Phase("B: a child that exits normally, one that exits with an error, one killed with SIGKILL")
	normal, err := spawn("ok", job{Work: killAfter})
	if err != nil {
		return ev.Result{}, err
	}
	failing, err := spawn("error", job{Work: killAfter, ExitCode: o.ExitCode})
	if err != nil {
		return ev.Result{}, err
	}
	killed, err := spawn("killed", job{Work: work})
	if err != nil {
		return ev.Result{}, err
	}
	if err := env.Sleep(ctx, killAfter); err != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if err := killed.Signal(syscall.SIGKILL); err != nil {
		env.Log("parent", ev.Warn, "kill: "+err.Error())
	}
	env.Log("parent", ev.Step, fmt.Sprintf("sent SIGKILL to pid %d", killed.Pid))
	for _, x := range []struct {
		how string
		c   *proc.Child
	}{{"exited normally", normal}, {fmt.Sprintf("exited with code %d", o.ExitCode), failing}, {"killed (SIGKILL)", killed}} {
		if err := wait(x.c); err != nil {
			return ev.Result{}, err
		}
		m.Endings = append(m.Endings, ending(x.how, x.c, fin))
	}
	return conclude(m), nil
}

// problem is the first claim of the lesson the run contradicts, or "".
func problem(code int, m Metrics) string {
	switch {
	case !m.AliveRunning || m.ExitcodeRunning != "None":
		return fmt.Sprintf("right after start the child was not alive with exitcode None (is_alive %v, exitcode %s)", m.AliveRunning, m.ExitcodeRunning)
	case m.AliveAfterJoin:
		return "the terminated child was still alive after join"
	case len(m.Endings) != 4:
		return fmt.Sprintf("%d endings recorded, want 4", len(m.Endings))
	}
	want := []struct {
		exitcode, goStatus string
		signal             int
		finished           bool
	}{
		{"-15", "signal: terminated", 15, false},
		{"0", "exit status 0", 0, true},
		{fmt.Sprint(code), fmt.Sprintf("exit status %d", code), 0, true},
		{"-9", "signal: killed", 9, false},
	}
	for i, w := range want {
		e := m.Endings[i]
		if e.Exitcode != w.exitcode || e.GoStatus != w.goStatus || e.Signal != w.signal {
			return fmt.Sprintf("the child that %s shows exitcode %s and %q, want %s and %q", e.How, e.Exitcode, e.GoStatus, w.exitcode, w.goStatus)
		}
		if e.Finished != w.finished {
			return fmt.Sprintf("the child that %s finished its work: %v, want %v", e.How, e.Finished, w.finished)
		}
	}
	return ""
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	tab := ev.Table{Title: "How each child ended", Header: []string{"child", "pid", "Python exitcode", "Go ExitCode()", "WaitStatus signal", "Go ProcessState"}}
	for _, e := range m.Endings {
		sig := "—"
		if e.Signal != 0 {
			sig = fmt.Sprintf("%d (%s)", e.Signal, syscall.Signal(e.Signal))
		}
		tab.Rows = append(tab.Rows, []string{e.How, fmt.Sprint(e.Pid), e.Exitcode, fmt.Sprint(e.Code), sig, e.GoStatus})
	}
	res.Tables = []ev.Table{tab}
	if why := problem(m.ExitCode, m); why != "" {
		res.Verdict = why
		return res
	}
	res.Observed = true
	var forms []string
	for _, e := range m.Endings {
		forms = append(forms, fmt.Sprintf("%s → %s (%s)", e.How, e.Exitcode, e.GoStatus))
	}
	res.Verdict = "alive while it ran, dead after join; " + strings.Join(forms, ", ")
	res.Short = "terminated: −15 = signal: terminated"
	return res
}
