package procfork_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procfork"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child process.
func TestMain(m *testing.M) { demotest.Main(m, procfork.New()) }

func TestChildKeepsItsCopy(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procfork.New()
	for _, v := range []string{"10", "0", "-7"} {
		res, _ := demotest.MustRun(t, d, 10, "value="+v)
		m := demotest.Metrics[procfork.Metrics](t, res)
		if !res.Observed || m.ChildLater != m.Value || m.ParentAfter != m.Value-1 || m.ChildSet != m.Value+100 || m.ParentAtEnd != m.Value-1 {
			t.Errorf("value %s: %+v, verdict %q", v, m, res.Verdict)
		}
		if !m.LookedAfterwards || m.ChildLookedMs <= m.ParentChangedMs {
			t.Errorf("value %s: the child looked at %.2f ms, the parent changed at %.2f ms", v, m.ChildLookedMs, m.ParentChangedMs)
		}
		if o := demotest.Knobs(t, d, "value="+v).Classify(res); o.Class != demos.Interesting {
			t.Errorf("outcome %+v", o)
		}
	}
}
