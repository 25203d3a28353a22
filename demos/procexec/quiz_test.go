package procexec_test

import (
	"os/exec"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procexec"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := procexec.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		m          procexec.Metrics
		lines, pid int
	}{
		{"replaced", procexec.Metrics{BeforePrinted: true, NewPrinted: true, PidCheckable: true, Pid: 7, NewProgramPid: 7, SamePid: true}, 1, 0},
		{"returned", procexec.Metrics{BeforePrinted: true, NewPrinted: true, AfterPrinted: true, PidCheckable: true, Pid: 7, NewProgramPid: 8}, 0, 1},
		{"old line lost", procexec.Metrics{NewPrinted: true, Program: "echo"}, 2, -1},
		{"exec failed", procexec.Metrics{BeforePrinted: true, AfterPrinted: true, PidCheckable: true}, -1, -1},
	}
	for _, c := range cases {
		rev := d.Bind().Reveal(ev.Result{Metrics: c.m})
		if len(rev) != 2 || rev[0].Choice != c.lines || rev[1].Choice != c.pid {
			t.Errorf("%s: revealed %+v, want choices %d and %d", c.name, rev, c.lines, c.pid)
		}
	}
}

func TestQuizRevealsTheRun(t *testing.T) {
	if proc.Supported() != nil || proc.CanExec() != nil {
		t.Skip("no exec here")
	}
	d := procexec.New()
	for _, c := range []struct {
		program string
		pid     int
	}{{"pardemo", 0}, {"echo", -1}} {
		if _, err := exec.LookPath(c.program); c.program == "echo" && err != nil {
			continue
		}
		knob := "program=" + c.program
		res, _ := demotest.MustRun(t, d, 20, knob)
		rev := demotest.Reveal(t, d, res, knob)
		for i, a := range demotest.Knobs(t, d, knob).Ask() {
			t.Logf("%s: %s %q → %d: %s", c.program, a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
		}
		if rev[0].Choice != 1 || rev[1].Choice != c.pid {
			t.Errorf("%s: revealed %+v, want choices 1 and %d", c.program, rev, c.pid)
		}
	}
}
