package procspawn_test

import (
	"os"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procspawn"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child processes.
func TestMain(m *testing.M) { demotest.Main(m, procspawn.New()) }

func TestChildrenKnowTheirIdsAndParent(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procspawn.New()
	res, c := demotest.MustRun(t, d, 10, "children=2")
	m := demotest.Metrics[procspawn.Metrics](t, res)
	if !res.Observed {
		t.Fatalf("lesson not shown: %s (hint %s)", res.Verdict, res.Hint)
	}
	if m.ParentPid != os.Getpid() || len(m.Pids) != 4 || len(m.Styles) != 4 {
		t.Fatalf("metrics %+v", m)
	}
	seen := map[int]bool{os.Getpid(): true}
	for i, p := range m.Pids {
		if seen[p] || m.ReportedPids[i] != p || m.ReportedPpids[i] != os.Getpid() || m.ChildExitcodes[i] != "0" {
			t.Errorf("child %d: pid %d, reported %d, parent %d, exitcode %s", i, p, m.ReportedPids[i], m.ReportedPpids[i], m.ChildExitcodes[i])
		}
		seen[p] = true
	}
	if m.ExitcodeRunning != "None" || !m.AliveWhileRuns || !m.AliveAfterJoinT || m.ExitcodeAfter != "0" || m.AliveAfterJoin {
		t.Errorf("part C: %+v", m)
	}
	if m.JoinTimeoutStory < 0.95 || m.JoinTimeoutStory > 3.9 {
		t.Errorf("join(timeout=1) returned after %.2f story-s", m.JoinTimeoutStory)
	}
	// Every child's own line names its pid and its parent.
	for _, p := range m.Pids {
		found := false
		for _, e := range c.Events {
			if e.Attrs["pid"] == p && e.Attrs["ppid"] == float64(os.Getpid()) {
				found = true
			}
		}
		if !found {
			t.Errorf("no event of child %d named its parent", p)
		}
	}
	if o := demotest.Knobs(t, d, "children=2").Classify(res); o.Class != demos.Interesting {
		t.Errorf("outcome %+v", o)
	}
}

func TestKnobsAreBounded(t *testing.T) {
	d := procspawn.New()
	b := d.Bind()
	if err := b.Set("children", "11"); err == nil {
		t.Error("--children 11 accepted (at most 10 per style)")
	}
}
