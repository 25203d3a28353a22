package ipcqueue_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcqueue"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as every child process.
func TestMain(m *testing.M) { demotest.Main(m, ipcqueue.New()) }

func TestThreeParts(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcqueue.New()
	for _, knobs := range [][]string{nil, {"items=4", "consumers=3"}} {
		res, c := demotest.MustRun(t, d, 100, knobs...)
		m := demotest.Metrics[ipcqueue.Metrics](t, res)
		if !res.Observed || !m.InOrder || !m.RecordsOK || !m.JoinAfterDone || !m.Removed {
			t.Fatalf("%v: verdict %q metrics %+v", knobs, res.Verdict, m)
		}
		if len(m.Produced) != m.Items || slices.ContainsFunc(m.Produced, func(x int) bool { return x < 0 || x > 256 }) {
			t.Errorf("produced %v", m.Produced)
		}
		if m.TasksDone != m.Items || len(m.Sizes) != m.Items || m.MaxSize < 1 {
			t.Errorf("metrics %+v", m)
		}
		// 2 + 3 + 1 + consumers processes, all different.
		pids := slices.Clone(m.Pids)
		slices.Sort(pids)
		if len(slices.Compact(pids)) != 6+m.Consumers {
			t.Errorf("pids %v", m.Pids)
		}
		// The queue's sizes in part A were told in the order the operations
		// happened: each put adds one, each get takes one.
		size := 0
		for _, e := range c.Events {
			if e.Kind == ev.Phase && strings.HasPrefix(e.Msg, "B:") {
				break
			}
			if e.Actor != "queue" {
				continue
			}
			switch {
			case strings.Contains(e.Msg, " put "):
				size++
			case strings.Contains(e.Msg, " got "):
				size--
			}
			if want := "size " + itoa(size); !strings.HasSuffix(e.Msg, want) {
				t.Errorf("%q: want %s", e.Msg, want)
			}
		}
		if info := demotest.Knobs(t, d, knobs...).Classify(res); info.Name != "all delivered" {
			t.Errorf("outcome %+v", info)
		}
	}
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
