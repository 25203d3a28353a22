package ipcmanager_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcmanager"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the manager and the worker processes.
func TestMain(m *testing.M) { demotest.Main(m, ipcmanager.New()) }

func TestAllUpdatesThroughTheManager(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcmanager.New()
	for _, n := range []string{"10", "3"} {
		res, c := demotest.MustRun(t, d, 100, "workers="+n)
		m := demotest.Metrics[ipcmanager.Metrics](t, res)
		w := m.Workers
		if !res.Observed || !m.AllPresent || m.AcksFromMgr != 2*w || m.Calls != int64(2*w+1) || !m.SocketRemoved {
			t.Fatalf("verdict %q metrics %+v", res.Verdict, m)
		}
		for i := range w {
			if m.Dict[i] != 2*i {
				t.Errorf("d[%d] = %d", i, m.Dict[i])
			}
		}
		if slices.Contains(m.WorkerPids, m.ManagerPid) || len(m.WorkerPids) != w {
			t.Errorf("pids: manager %d, workers %v", m.ManagerPid, m.WorkerPids)
		}
		sends := 0
		for _, e := range c.Events {
			if strings.Contains(e.Msg, "answered by pid ") {
				sends++
			}
		}
		if sends != w {
			t.Errorf("%d workers told who answered, want %d", sends, w)
		}
		if info := demotest.Knobs(t, d, "workers="+n).Classify(res); info.Name != "all present" {
			t.Errorf("outcome %+v", info)
		}
	}
}
