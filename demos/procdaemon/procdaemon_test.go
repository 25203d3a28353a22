package procdaemon_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procdaemon"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the main process and its children.
func TestMain(m *testing.M) { demotest.Main(m, procdaemon.New()) }

func TestDaemonEndsNonDaemonIsWaitedFor(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procdaemon.New()
	res, c := demotest.MustRun(t, d, 10)
	m := demotest.Metrics[procdaemon.Metrics](t, res)
	if !res.Observed {
		t.Fatalf("not shown: %s\n%v", res.Verdict, demotest.Messages(c))
	}
	if len(m.Kids) != 2 || m.Kids[0].Exitcode != "-15" || m.Kids[0].Exited || m.Kids[1].Exitcode != "0" || !m.Kids[1].Exited {
		t.Errorf("kids %+v", m.Kids)
	}
	if m.MainEndedS < 2.9 {
		t.Errorf("main exited %.2f story-s after starting its children, before the non-daemon finished", m.MainEndedS)
	}
	if len(m.OrphanPids) != 2 || m.OrphansExited || len(m.LeftOver) != 0 {
		t.Errorf("part B: %+v", m)
	}
	// The non-daemon's own lines name main as its parent (the daemon is
	// usually terminated before it says anything).
	for _, k := range m.Kids[1:] {
		found := false
		for _, e := range c.Events {
			if e.Attrs["pid"] == float64(k.Pid) && e.Attrs["ppid"] == float64(m.MainPid) {
				found = true
			}
		}
		if !found {
			t.Errorf("no event of %s (pid %d) naming main (%d) as its parent", k.Name, k.Pid, m.MainPid)
		}
	}
	if o := demotest.Knobs(t, d).Classify(res); o.Class != demos.Interesting {
		t.Errorf("outcome %+v", o)
	}
}
