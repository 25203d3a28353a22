package download_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos/download"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child process (see demotest.Main).
func TestMain(m *testing.M) { demotest.Main(m, download.New()) }

// In fake time goroutines overlap exactly: the total is the longer
// download to the nanosecond, and far below the sum.
func TestGoroutinesOverlapInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, download.New(), 10, "form=goroutines")
		m := demotest.Metrics[download.Metrics](t, res)
		secs := m.DurationsS
		if len(secs) != 2 {
			t.Fatalf("durations %v, want two", secs)
		}
		for _, s := range secs {
			if s < 5 || s > 10 {
				t.Errorf("download of %v story-seconds, want 5–10", s)
			}
		}
		g := m.Goroutines
		if g == nil {
			t.Fatalf("no goroutine form: %+v", m)
		}
		// At speed 10 a story-second is 100 ms.
		longest, sum := 100*max(secs[0], secs[1]), 100*(secs[0]+secs[1])
		if !near(g.WallMs, longest) || !near(g.LongestMs, longest) || !near(g.SumMs, sum) {
			t.Errorf("goroutines %+v, want wall = longest = %v ms, sum = %v ms", *g, longest, sum)
		}
		if g.WallMs != g.LongestMs || g.OverheadMs != 0 || g.Pids != nil {
			t.Errorf("wall %v ≠ longest %v in fake time (overhead %v), or pids %v", g.WallMs, g.LongestMs, g.OverheadMs, g.Pids)
		}
		if m.Processes != nil || !m.Overlapped || !res.Observed {
			t.Errorf("result %+v, metrics %+v", res, m)
		}
		// Both downloads started before either reported any progress.
		first := -1
		for i, e := range c.Events {
			if e.Kind == ev.Step {
				first = i
				break
			}
		}
		for _, a := range []string{"download-1", "download-2"} {
			if s := demotest.Index(c, a, "starts downloading"); s < 0 || s > first {
				t.Errorf("%s started at event %d, first progress at %d", a, s, first)
			}
		}
	})
}

// The durations come from --seed: the same seed replays them.
func TestSeedReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _ := demotest.MustRun(t, download.New(), 10, "form=goroutines")
		b, _ := demotest.MustRun(t, download.New(), 10, "form=goroutines")
		ma, mb := demotest.Metrics[download.Metrics](t, a), demotest.Metrics[download.Metrics](t, b)
		if ma.Goroutines == nil || mb.Goroutines == nil || ma.Goroutines.WallMs != mb.Goroutines.WallMs || !slices.Equal(ma.DurationsS, mb.DurationsS) {
			t.Errorf("same seed, different runs: %+v vs %+v", ma, mb)
		}
	})
}

// Real child processes: no fake time, so the test checks structure — two
// distinct children that are not us, both started before either finished,
// every progress line from the right pid, and no child left running.
func TestProcesses(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	res, c := demotest.MustRun(t, download.New(), 20, "form=processes")
	m := demotest.Metrics[download.Metrics](t, res)
	p := m.Processes
	if p == nil {
		t.Fatalf("no process form: %+v", m)
	}
	pids := p.Pids
	if len(pids) != 2 || pids[0] == pids[1] || pids[0] == os.Getpid() || pids[1] == os.Getpid() {
		t.Fatalf("pids %v (we are %d)", pids, os.Getpid())
	}
	if m.Goroutines != nil {
		t.Errorf("goroutine form ran: %+v", m)
	}
	// Wall time covers both children from start to reaping, so it can never
	// be shorter than the longer download they measured themselves.
	if p.WallMs < p.LongestMs {
		t.Errorf("wall %v < longest %v", p.WallMs, p.LongestMs)
	}
	var starts, dones []int
	for i, e := range c.Events {
		if !strings.HasPrefix(e.Actor, "download-") {
			continue
		}
		pid, _ := e.Attrs["pid"].(int)
		if !strings.HasSuffix(e.Actor, " [pid "+strconv.Itoa(pid)+"]") || (pid != pids[0] && pid != pids[1]) {
			t.Errorf("event %d from %q carries pid %v, want one of %v", i, e.Actor, e.Attrs["pid"], pids)
		}
		switch e.Kind {
		case ev.Start:
			starts = append(starts, i)
		case ev.Done:
			dones = append(dones, i)
		}
	}
	if len(starts) != 2 || len(dones) != 2 || max(starts[0], starts[1]) > min(dones[0], dones[1]) {
		t.Errorf("starts at events %v, finishes at %v: want both starts before either finish", starts, dones)
	}
	for _, pid := range pids {
		if !gone(pid) {
			t.Errorf("child %d still exists after the run", pid)
		}
	}
}

// Both forms in one run, as the command runs by default.
func TestBothForms(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	res, c := demotest.MustRun(t, download.New(), 50)
	if m := demotest.Metrics[download.Metrics](t, res); m.Goroutines == nil || m.Processes == nil {
		t.Fatalf("metrics %+v", m)
	}
	if g, p := demotest.Index(c, "main", "started both goroutines"), demotest.Index(c, "main", "started both processes"); g < 0 || p < g {
		t.Errorf("goroutine form at event %d, process form at %d", g, p)
	}
}

func near(a, b float64) bool { return a > b-0.01 && a < b+0.01 }

// The verdict concludes from every form, not the last (issue 12): goroutines
// that overlapped and processes that did not are both named.
func TestVerdictFromEveryForm(t *testing.T) {
	ms := time.Millisecond
	res := download.ConcludeForTest([]float64{5, 8}, []download.FormForTest{
		{Name: "goroutines", Wall: 810 * ms, Spans: [][2]time.Duration{{0, 500 * ms}, {0, 800 * ms}}},
		{Name: "processes", Wall: 1400 * ms, Spans: [][2]time.Duration{{0, 500 * ms}, {0, 800 * ms}}, Pids: []int{11, 12}},
	})
	if res.Observed || !strings.Contains(res.Verdict, "processes (pids 11, 12) took 1.4s") || !strings.Contains(res.Verdict, "goroutines took 810ms") ||
		!strings.Contains(res.Verdict, "— side by side") {
		t.Errorf("verdict: %s", res.Verdict)
	}
	m := demotest.Metrics[download.Metrics](t, res)
	if m.Overlapped || !m.Goroutines.Overlapped || m.Processes.Overlapped {
		t.Errorf("metrics: %+v %+v %+v", m, m.Goroutines, m.Processes)
	}
	// Processes last and fine, goroutines not: the old verdict said "side by side".
	res = download.ConcludeForTest([]float64{5, 8}, []download.FormForTest{
		{Name: "goroutines", Wall: 1300 * ms, Spans: [][2]time.Duration{{0, 500 * ms}, {0, 800 * ms}}},
		{Name: "processes", Wall: 820 * ms, Spans: [][2]time.Duration{{0, 500 * ms}, {0, 800 * ms}}, Pids: []int{11, 12}},
	})
	if res.Observed || !strings.Contains(res.Verdict, "goroutines took 1.3s") {
		t.Errorf("verdict: %s", res.Verdict)
	}
}
