// Package procexec is scenario P2: a child process replaces its program
// with another one (exec); the line after the exec never prints.
package procexec

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const roleCaller = "proc exec/caller"

// beat is the story-seconds of each pause for reading (see run).
const beat = 7

// What the child prints, raw, before and (never) after the exec, and what
// the new program prints.
const (
	before  = "Process calling"
	after   = "Good Bye!!"
	newLine = "Hello from the new program, pid"
)

// Options are the scenario's knobs.
type Options struct {
	Program string // what the child becomes
}

// Line is one raw line the child's process wrote.
type Line struct {
	Pid  int    `json:"pid"`  // the process whose standard output it came from
	Text string `json:"text"` // the line, without its newline
}

// Metrics are what the scenario measured.
type Metrics struct {
	Program       string `json:"program"`         // what the child exec'd: "pardemo" (this binary printing) or "echo" (/bin/echo)
	Path          string `json:"path"`            // the program's file
	Pid           int    `json:"pid"`             // the child's process id, before and after the exec
	Lines         []Line `json:"lines"`           // every raw line captured from the child's standard output, in order
	BeforePrinted bool   `json:"before_printed"`  // the line before the exec arrived
	NewPrinted    bool   `json:"new_printed"`     // the new program's line arrived
	AfterPrinted  bool   `json:"after_printed"`   // the line after the exec arrived (it must not)
	SamePid       bool   `json:"same_pid"`        // the new program reported the child's pid as its own ("pardemo" only)
	ExitStatus    string `json:"exit_status"`     // how the child's process ended (Go's ProcessState.String())
	ExecError     string `json:"exec_error"`      // the error the exec returned, if it failed
	PidCheckable  bool   `json:"pid_checkable"`   // the new program prints its pid (this binary does; echo cannot)
	Order         bool   `json:"order"`           // the new program's line came after the line before the exec
	NewProgramPid int    `json:"new_program_pid"` // the pid the new program printed (0 if it prints none)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc exec", ID: "P2",
		Title:  "Exec replaces the running program: same process, new program; the old one's next line never runs",
		Python: "os.execvp(program, args)",
		Go:     "syscall.Exec (execve) on unix; os/exec starts a new process instead",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Choice(&o.Program, "program", "what the child becomes: pardemo (this binary, printing a line with its pid) or echo (/bin/echo)", "pardemo", "pardemo", "echo")
		},
		Explain:  lesson,
		Lesson:   []string{"demos/procexec/procexec.go", "internal/proc/exec_unix.go", "internal/proc/raw.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{roleCaller: caller},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "after-line printed", Class: demos.Forbidden, Desc: "the line after a successful exec printed",
				When: func(_ *Options, m Metrics) bool { return m.AfterPrinted && m.ExecError == "" }},
			{Name: "replaced", Class: demos.Interesting, Desc: "the new program ran in the same process; the old program's next line never printed",
				When: func(_ *Options, m Metrics) bool {
					return m.BeforePrinted && m.NewPrinted && !m.AfterPrinted && m.Order && (m.SamePid || !m.PidCheckable)
				}},
			{Name: "exec failed", Class: demos.Acceptable, Desc: "the program could not be exec'd here (the old one went on, as it should)",
				When: func(_ *Options, m Metrics) bool { return m.ExecError != "" }},
			{Name: "wrong output", Class: demos.Forbidden, Desc: "the captured output does not show a clean exec",
				When: func(*Options, Metrics) bool { return true }},
		},
	}.Demo()
}

// target is what the caller is told to become.
type target struct {
	Path string
	Argv []string
	Env  []string
}

// caller prints a line, replaces itself with the target program, and — if
// that failed — prints the line that must otherwise never appear.
func caller(ctx context.Context, self *proc.Self) error {
	var t target
	if err := self.Args(&t); err != nil {
		return err
	}
	self.Log(ev.Step, fmt.Sprintf("pid %d: about to exec %s", self.Pid, strings.Join(t.Argv, " ")))
	fmt.Fprintln(self.Raw(), before)
	env := t.Env
	if env == nil {
		env = os.Environ()
	}
	err := proc.Exec(t.Path, t.Argv, env) // on success, nothing below runs
	fmt.Fprintln(self.Raw(), after)
	if err != nil {
		self.Log(ev.Warn, "exec failed: "+err.Error(), "exec_error", err.Error())
		return nil
	}
	return nil
}

// capture keeps the raw lines, in order, each with its pid.
type capture struct {
	mu      sync.Mutex
	lines   []Line
	execErr string
	env     *demos.Env
}

func (c *capture) add(ch *proc.Child, l []byte) {
	text := strings.TrimSuffix(string(l), "\n")
	c.mu.Lock()
	c.lines = append(c.lines, Line{Pid: ch.Pid, Text: text})
	c.mu.Unlock()
	c.env.Log(fmt.Sprintf("stdout of pid %d", ch.Pid), ev.Recv, text, "pid", ch.Pid)
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	if err := proc.CanExec(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{Program: o.Program}
	var t target
	switch o.Program {
	case "echo":
		path, err := exec.LookPath("echo")
		if err != nil {
			return ev.Result{}, fmt.Errorf("--program echo: %w", err)
		}
		t = target{Path: path, Argv: []string{"echo", "Hello from /bin/echo"}}
	default:
		path, argv, penv, err := proc.PrintCommand(strings.Fields(newLine)...)
		if err != nil {
			return ev.Result{}, err
		}
		t = target{Path: path, Argv: append(argv, "{pid}"), Env: penv}
		m.PidCheckable = true
	}
	m.Path = t.Path
	cap := &capture{env: env}
	env.Phase(fmt.Sprintf("a child prints %q, execs %s, then would print %q", before, o.Program, after))
	// Pacing (issue 13): the exec takes milliseconds; a beat before it and
	// one after it let a class read what to look for, then what happened.
	env.Log("parent", ev.Note, "watch the pids: each line is stamped with the process that wrote it")
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	c, err := env.SpawnWith(ctx, roleCaller, "caller", t, func(s *proc.Spec) {
		s.OnOutput = cap.add
		next := s.OnEvent
		s.OnEvent = func(ch *proc.Child, e ev.Event) {
			if msg, ok := e.Attrs["exec_error"].(string); ok {
				cap.mu.Lock()
				cap.execErr = msg
				cap.mu.Unlock()
			}
			next(ch, e)
		}
	})
	if err != nil {
		return ev.Result{}, err
	}
	m.Pid = c.Pid
	if err := c.WaitCtx(ctx); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		m.ExitStatus = err.Error()
	}
	if st := c.ProcessState(); st != nil {
		m.ExitStatus = st.String()
	}
	cap.mu.Lock()
	m.Lines = append([]Line(nil), cap.lines...)
	m.ExecError = cap.execErr
	cap.mu.Unlock()
	env.Log("parent", ev.Step, fmt.Sprintf("pid %d ended (%s) after %d lines on its stdout", m.Pid, m.ExitStatus, len(m.Lines)))
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	return conclude(m), nil
}

// conclude reads the captured output: the proof is in the lines.
func conclude(m Metrics) ev.Result {
	iBefore, iNew := -1, -1
	for i, l := range m.Lines {
		switch {
		case l.Text == before:
			m.BeforePrinted = true
			iBefore = i
		case l.Text == after:
			m.AfterPrinted = true
		case strings.HasPrefix(l.Text, "Hello from"):
			m.NewPrinted = true
			iNew = i
			if f := strings.Fields(l.Text); m.PidCheckable && len(f) > 0 {
				m.NewProgramPid, _ = strconv.Atoi(f[len(f)-1])
			}
		}
	}
	m.Order = iBefore >= 0 && iNew > iBefore
	m.SamePid = m.NewProgramPid == m.Pid && m.Pid != 0
	res := ev.Result{Metrics: m}
	switch {
	case m.ExecError != "" || (m.AfterPrinted && !m.NewPrinted):
		res.Verdict = fmt.Sprintf("the exec of %s failed (%s), so the old program went on and printed %q", m.Path, m.ExecError, after)
		res.Hint = "--program pardemo"
	case m.AfterPrinted:
		res.Verdict = fmt.Sprintf("%q printed although the new program ran: an exec that returns did not replace the program", after)
	case !m.BeforePrinted || !m.NewPrinted || !m.Order:
		res.Verdict = fmt.Sprintf("the captured output is not the line before the exec followed by the new program's: %v", m.Lines)
	case m.PidCheckable && !m.SamePid:
		res.Verdict = fmt.Sprintf("the new program ran as pid %d, not in the child's process %d", m.NewProgramPid, m.Pid)
	case m.ExitStatus != "exit status 0":
		res.Verdict = "the new program did not end cleanly: " + m.ExitStatus
	default:
		res.Observed = true
		pid := fmt.Sprintf("in the same process (pid %d, which the new program printed)", m.Pid)
		if !m.PidCheckable {
			pid = fmt.Sprintf("in the same process (pid %d, the one the parent reaped)", m.Pid)
		}
		res.Verdict = fmt.Sprintf("the child printed %q, became %s %s, and %q never printed: of %d captured lines, none is it",
			before, m.Program, pid, after, len(m.Lines))
		res.Short = fmt.Sprintf("exec'd %s; %q never printed", m.Program, after)
	}
	return res
}
