package procexec_test

import (
	"os/exec"
	"strconv"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procexec"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child and as the program it becomes.
func TestMain(m *testing.M) { demotest.Main(m, procexec.New()) }

func TestTheLineAfterExecNeverPrints(t *testing.T) {
	if proc.Supported() != nil || proc.CanExec() != nil {
		t.Skip("no exec here")
	}
	d := procexec.New()
	for _, program := range []string{"pardemo", "echo"} {
		if program == "echo" {
			if _, err := exec.LookPath("echo"); err != nil {
				continue
			}
		}
		res, c := demotest.MustRun(t, d, 10, "program="+program)
		m := demotest.Metrics[procexec.Metrics](t, res)
		if !res.Observed || m.AfterPrinted || !m.BeforePrinted || !m.NewPrinted || len(m.Lines) != 2 {
			t.Fatalf("%s: %+v, verdict %q", program, m, res.Verdict)
		}
		for _, l := range m.Lines {
			if l.Pid != m.Pid {
				t.Errorf("%s: line %q from pid %d, child is %d", program, l.Text, l.Pid, m.Pid)
			}
		}
		if program == "pardemo" && (!m.SamePid || m.NewProgramPid != m.Pid) {
			t.Errorf("new program printed pid %d, child is %d", m.NewProgramPid, m.Pid)
		}
		if demotest.Index(c, "caller [pid "+itoa(m.Pid)+"]", "about to exec") < 0 {
			t.Errorf("no protocol event from the child before the exec: %v", demotest.Messages(c))
		}
		if o := demotest.Knobs(t, d, "program="+program).Classify(res); o.Class != demos.Interesting {
			t.Errorf("outcome %+v", o)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
