// Package procspawn is scenario P1: start child processes, in both of the
// cookbook's styles, and watch them with is_alive, exitcode and
// join(timeout).
package procspawn

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// The story: every child sleeps 1 story-second (the cookbook's sleep);
// the watched child of part C sleeps 4, and the join gives up after 1.
const (
	nap       = 1.0
	slowNap   = 4.0
	joinAfter = 1.0
)

const (
	roleFunction = "proc spawn/function"
	roleClass    = "proc spawn/class"
)

// Options are the scenario's knobs.
type Options struct {
	Children int // children per style
}

// Metrics are what the scenario measured.
type Metrics struct {
	ParentPid        int      `json:"parent_pid"`         // this process's id, which every child should report as its parent's
	Children         int      `json:"children"`           // children started per style (--children)
	Pids             []int    `json:"pids"`               // the children's ids as the parent got them from the operating system, in start order
	ReportedPids     []int    `json:"reported_pids"`      // the ids the children reported for themselves (os.getpid())
	ReportedPpids    []int    `json:"reported_ppids"`     // the parent ids the children reported (os.getppid())
	Styles           []string `json:"styles"`             // how each child was written: "function" (a function plus args) or "class" (a type with Run)
	AliveWhileRuns   bool     `json:"alive_while_runs"`   // part C: is_alive() was true right after start
	ExitcodeRunning  string   `json:"exitcode_running"`   // part C: exitcode right after start ("None" while it runs)
	JoinTimeoutMs    float64  `json:"join_timeout_ms"`    // part C: when join(timeout=1 story-s) returned
	AliveAfterJoinT  bool     `json:"alive_after_join_t"` // part C: the child was still alive when join(timeout) returned
	ExitcodeAfter    string   `json:"exitcode_after"`     // part C: exitcode after the real join ("0")
	AliveAfterJoin   bool     `json:"alive_after_join"`   // part C: is_alive() after the real join (false)
	ChildExitcodes   []string `json:"child_exitcodes"`    // parts A and B: every child's exitcode after join, in start order
	PidsDistinct     bool     `json:"pids_distinct"`      // every child had an id of its own, none the parent's
	PidsAgree        bool     `json:"pids_agree"`         // each child's own id was the one the parent started
	ParentsAgree     bool     `json:"parents_agree"`      // each child named this process as its parent
	JoinTimeoutStory float64  `json:"join_timeout_story"` // part C: join(timeout) in story seconds (about 1)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc spawn", ID: "P1",
		Speed:  2, // pacing (issue 13): about 6.4 story-s, 3.5 s at 2× (10× was 0.66 s)
		Title:  "Start child processes: each has its own pid and knows its parent's",
		Python: "multiprocessing.Process (target= or a subclass with run), is_alive, exitcode, join(timeout)",
		Go:     "os/exec on a fresh copy of this binary (fork+exec: Go never forks alone); a done channel and a timer",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Children, "children", "children started in each of the two styles", 3, 1, 10)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/procspawn/procspawn.go", "internal/proc/parent.go", "internal/proc/status.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{roleFunction: functionStyle, roleClass: classStyle},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "wrong ids", Class: demos.Forbidden, Desc: "a child's id or its parent's id is not what the operating system said",
				When: func(_ *Options, m Metrics) bool { return !m.PidsDistinct || !m.PidsAgree || !m.ParentsAgree }},
			{Name: "bad exit status", Class: demos.Forbidden, Desc: "exitcode was not None while running, or not 0 after a clean exit",
				When: func(_ *Options, m Metrics) bool {
					return m.ExitcodeRunning != "None" || m.ExitcodeAfter != "0" || !allZero(m.ChildExitcodes) || m.AliveAfterJoin
				}},
			{Name: "joined while running", Class: demos.Interesting, Desc: "join(timeout) returned while the child still ran; the ids all agree",
				When: func(_ *Options, m Metrics) bool { return m.AliveWhileRuns && m.AliveAfterJoinT }},
			{Name: "child done early", Class: demos.Acceptable, Desc: "the watched child had ended before join(timeout) gave up (a very slow machine)",
				When: func(_ *Options, m Metrics) bool { return true }},
		},
	}.Demo()
}

func allZero(codes []string) bool {
	for _, c := range codes {
		if c != "0" {
			return false
		}
	}
	return true
}

// args is what each child is handed.
type args struct {
	Nap float64
}

// report is what each child sends back.
type report struct {
	Pid, Ppid int
	Style     string
}

// greet is the "function plus arguments" style: the body the cookbook
// passes as target=, with its args.
func greet(ctx context.Context, self *proc.Self, nap float64) error {
	self.Log(ev.Start, fmt.Sprintf("function style: I am %s, pid %d, my parent is %d", self.Name, self.Pid, self.ParentPid), "ppid", self.ParentPid)
	if err := self.Sleep(ctx, nap); err != nil {
		return err
	}
	self.Log(ev.Done, "done")
	return self.Result(report{Pid: os.Getpid(), Ppid: os.Getppid(), Style: "function"})
}

func functionStyle(ctx context.Context, self *proc.Self) error {
	var a args
	if err := self.Args(&a); err != nil {
		return err
	}
	return greet(ctx, self, a.Nap)
}

// greeter is the "subclass of Process with run()" style: a type that
// carries its own state and has a Run method.
type greeter struct {
	self *proc.Self
	nap  float64
}

// Run is the body, as Process.run is in Python.
func (g greeter) Run(ctx context.Context) error {
	s := g.self
	s.Log(ev.Start, fmt.Sprintf("class style: I am %s, pid %d, my parent is %d", s.Name, s.Pid, s.ParentPid), "ppid", s.ParentPid)
	if err := s.Sleep(ctx, g.nap); err != nil {
		return err
	}
	s.Log(ev.Done, "done")
	return s.Result(report{Pid: os.Getpid(), Ppid: os.Getppid(), Style: "class"})
}

func classStyle(ctx context.Context, self *proc.Self) error {
	var a args
	if err := self.Args(&a); err != nil {
		return err
	}
	return greeter{self: self, nap: a.Nap}.Run(ctx)
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{ParentPid: os.Getpid(), Children: o.Children}
	env.Log("parent", ev.Note, fmt.Sprintf("I am the parent, pid %d", m.ParentPid))

	for _, style := range []struct{ phase, role, name string }{
		{"A: a function plus arguments (target=f, args=…)", roleFunction, "func"},
		{"B: a type with a Run method (a Process subclass)", roleClass, "class"},
	} {
		env.Phase(fmt.Sprintf("%s: start %d, then join them all", style.phase, o.Children))
		var these []*proc.Child
		for i := range o.Children {
			c, err := env.Spawn(ctx, style.role, fmt.Sprintf("%s-%d", style.name, i+1), args{Nap: nap})
			if err != nil {
				return ev.Result{}, err
			}
			these = append(these, c)
		}
		for _, c := range these {
			var r report
			if err := c.Result(&r); err != nil {
				if ctx.Err() != nil {
					return ev.Result{}, demos.Stopped(ctx)
				}
				return ev.Result{}, err
			}
			m.Pids = append(m.Pids, c.Pid)
			m.ReportedPids = append(m.ReportedPids, r.Pid)
			m.ReportedPpids = append(m.ReportedPpids, r.Ppid)
			m.Styles = append(m.Styles, r.Style)
			m.ChildExitcodes = append(m.ChildExitcodes, c.Status().Python())
		}
		env.Log("parent", ev.Step, fmt.Sprintf("joined all %d: exitcodes %v", len(these), m.ChildExitcodes[len(m.ChildExitcodes)-len(these):]))
	}

	env.Phase(fmt.Sprintf("C: is_alive, exitcode, and join(timeout=%g) on a child that naps %g story-seconds", joinAfter, slowNap))
	slow, err := env.Spawn(ctx, roleFunction, "slow", args{Nap: slowNap})
	if err != nil {
		return ev.Result{}, err
	}
	begin := env.Now()
	m.AliveWhileRuns = slow.Alive()
	m.ExitcodeRunning = slow.Status().Python()
	env.Log("parent", ev.Step, fmt.Sprintf("right after start: is_alive() = %v, exitcode = %s", m.AliveWhileRuns, m.ExitcodeRunning))
	ended := slow.WaitTimeout(env.Story(joinAfter))
	waited := env.Now() - begin
	m.AliveAfterJoinT = !ended && slow.Alive()
	m.JoinTimeoutMs = ev.Ms(waited)
	m.JoinTimeoutStory = waited.Seconds() * env.Speed
	env.Log("parent", ev.Step, fmt.Sprintf("join(timeout=%g) returned after %s: is_alive() = %v, exitcode = %s",
		joinAfter, ev.Dur(waited), m.AliveAfterJoinT, slow.Status().Python()))
	if err := slow.WaitCtx(ctx); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	m.ExitcodeAfter = slow.Status().Python()
	m.AliveAfterJoin = slow.Alive()
	env.Log("parent", ev.Step, fmt.Sprintf("join() returned: is_alive() = %v, exitcode = %s (%s)", m.AliveAfterJoin, m.ExitcodeAfter, slow.Status().Go))
	return conclude(env.Speed, m), nil
}

// conclude checks every claim of the lesson against what was measured.
func conclude(speed float64, m Metrics) ev.Result {
	seen := map[int]bool{m.ParentPid: true}
	m.PidsDistinct, m.PidsAgree, m.ParentsAgree = true, len(m.Pids) == len(m.ReportedPids), len(m.Pids) == len(m.ReportedPpids)
	for i, p := range m.Pids {
		if seen[p] {
			m.PidsDistinct = false
		}
		seen[p] = true
		if i < len(m.ReportedPids) && m.ReportedPids[i] != p {
			m.PidsAgree = false
		}
		if i < len(m.ReportedPpids) && m.ReportedPpids[i] != m.ParentPid {
			m.ParentsAgree = false
		}
	}
	stylesOK := slices.Contains(m.Styles, "function") && slices.Contains(m.Styles, "class")
	waited := time.Duration(m.JoinTimeoutMs * float64(time.Millisecond))
	pace := demos.NewPace(speed, joinAfter, waited)
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: fmt.Sprintf("join(timeout=%g) returned after", joinAfter), D: waited}}}
	n := len(m.Pids)
	switch {
	case !m.PidsDistinct:
		res.Verdict = fmt.Sprintf("two processes shared a pid: %v (parent %d)", m.Pids, m.ParentPid)
	case !m.PidsAgree:
		res.Verdict = fmt.Sprintf("a child reported a pid other than the one it was started with: started %v, reported %v", m.Pids, m.ReportedPids)
	case !m.ParentsAgree:
		res.Verdict = fmt.Sprintf("a child named another parent than %d: %v", m.ParentPid, m.ReportedPpids)
	case !stylesOK:
		res.Verdict = fmt.Sprintf("not both styles ran: %v", m.Styles)
	case !allZero(m.ChildExitcodes) || m.ExitcodeAfter != "0" || m.AliveAfterJoin:
		res.Verdict = fmt.Sprintf("a child that ended cleanly did not show exitcode 0 and is_alive() false: %v, %s", m.ChildExitcodes, m.ExitcodeAfter)
	case !m.AliveWhileRuns || m.ExitcodeRunning != "None":
		res.Verdict = fmt.Sprintf("right after start the child was not alive with exitcode None (is_alive %v, exitcode %s)", m.AliveWhileRuns, m.ExitcodeRunning)
	case pace.Early():
		res.Verdict = fmt.Sprintf("join(timeout=%g) returned after only %.2f story-s: please report it", joinAfter, m.JoinTimeoutStory)
	case !m.AliveAfterJoinT:
		res.Verdict = fmt.Sprintf("the watched child (%g story-s) had already ended when join(timeout=%g) returned after %.1f story-s", slowNap, joinAfter, m.JoinTimeoutStory)
		res.Hint = demos.PaceHint
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d children, each with its own pid, each naming %d as its parent, in both styles; exitcode None while running, 0 after; join(timeout=%g) returned after %.1f story-s with the child still alive",
			n, m.ParentPid, joinAfter, m.JoinTimeoutStory)
		res.Short = fmt.Sprintf("%d children, own pids, parent %d", n, m.ParentPid)
	}
	res.Metrics = m
	return res
}
