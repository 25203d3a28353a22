package poolfutures_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolfutures"
	"github.com/pardemo/pardemo/internal/ev"
)

// Every way computes count(x) = loops × x for every x exactly once; the
// pools' result events come in the completion order the metrics record;
// the process pool's answers come from its own processes; the futures give
// 25 and 64.
func TestEveryWay(t *testing.T) {
	d := poolfutures.New()
	res, c := demotest.MustRun(t, d, 1000, "loops=200000", "repeat=2")
	demotest.CheckMetrics(t, d, res)
	m := demotest.Metrics[poolfutures.Metrics](t, res)
	if m.Items != 10 || m.Workers != 5 || len(m.Results) != 10 {
		t.Fatalf("metrics %+v", m)
	}
	for x, v := range m.Results {
		if v != 200000*int64(x) {
			t.Errorf("count(%d) = %d", x, v)
		}
	}
	if !slices.Equal(m.Squares, []int{25, 64}) {
		t.Errorf("squares %v", m.Squares)
	}
	byMode := map[string][]int{}
	for _, e := range c.Events {
		if mode, ok := e.Attrs["mode"].(string); ok && e.Kind == ev.Recv {
			byMode[mode] = append(byMode[mode], int(e.Attrs["x"].(int64)))
			if mode == "processes" && !strings.Contains(e.Actor, "[pid ") {
				t.Errorf("process result from %q", e.Actor)
			}
		}
	}
	for _, mode := range []string{"sequential", "goroutines", "processes"} {
		if !slices.Equal(byMode[mode], m.Completion[mode]) {
			t.Errorf("%s: events in order %v, metrics say %v", mode, byMode[mode], m.Completion[mode])
		}
		if got := slices.Sorted(slices.Values(m.Completion[mode])); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("%s returned x %v", mode, got)
		}
		if mm, ok := m.Modes[mode]; !ok || len(mm.RoundsMs) != 2 {
			t.Errorf("%s modes entry %+v", mode, mm)
		}
	}
	if !slices.Equal(m.Completion["sequential"], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("sequential order %v", m.Completion["sequential"])
	}
	if len(m.Pids) != 5 || slices.Contains(m.Pids, os.Getpid()) {
		t.Errorf("pids %v", m.Pids)
	}
	if p := m.Modes["processes"]; p.StartupMs <= 0 || p.Ceiling != min(5, m.CPUs) {
		t.Errorf("processes %+v", p)
	}
	if !strings.Contains(res.Verdict, "count(x) = 200,000 × x for all 10 x in every way") || !strings.Contains(res.Verdict, "25 and 64") {
		t.Errorf("verdict %q", res.Verdict)
	}
	if out := demotest.Knobs(t, d, "loops=200000").Classify(res); out.Class == demos.Forbidden || out.Class == demos.Unexpected {
		t.Errorf("outcome %+v", out)
	}
}

// One way alone: nothing to compare, and the hint says how to compare.
func TestOneWay(t *testing.T) {
	res, _ := demotest.MustRun(t, poolfutures.New(), 1000, "run-as=goroutines", "loops=1000", "repeat=1")
	m := demotest.Metrics[poolfutures.Metrics](t, res)
	if res.Observed || res.Hint != "--run-as all" || len(m.Modes) != 1 || len(m.Pids) != 0 {
		t.Errorf("observed %v, hint %q, modes %v", res.Observed, res.Hint, m.Modes)
	}
}

// The deprecated spellings still work.
func TestOldKnobs(t *testing.T) {
	b := demotest.Knobs(t, poolfutures.New(), "mode=sequential", "rounds=2")
	o := b.Options().(*poolfutures.Options)
	if o.RunAs != "sequential" || o.Repeat != 2 {
		t.Errorf("options %+v", o)
	}
}

func TestBadKnobs(t *testing.T) {
	if err := demotest.CheckErr(t, poolfutures.New(), "loops=1000000000", "items=100", "repeat=20"); err == nil ||
		!strings.Contains(err.Error(), "more than the 300,000,000,000 limit") {
		t.Errorf("huge run: %v", err)
	}
}

// Ctrl-C ends a long count promptly in every way, worker processes
// included (goleak and the framework's reaping check the rest).
func TestInterrupt(t *testing.T) {
	for _, way := range []string{"sequential", "goroutines", "processes"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		begin := time.Now()
		_, _, err := demotest.RunCtx(ctx, t, poolfutures.New(), 1000, "run-as="+way, "loops=1000000000", "repeat=3")
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Errorf("%s: err = %v, want interrupted", way, err)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("%s: took %s to stop", way, d)
		}
	}
}
