package modes_test

import (
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/modes"
)

func TestSpeedupAndEfficiency(t *testing.T) {
	rep := modes.Report{
		{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{410 * time.Millisecond, 400 * time.Millisecond}},
		{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{200 * time.Millisecond}},
		{Mode: modes.Processes, Workers: 4, Startup: 50 * time.Millisecond, Rounds: []time.Duration{170 * time.Millisecond, 150 * time.Millisecond, 160 * time.Millisecond}},
	}
	for _, c := range []struct {
		mode                string
		speedup, efficiency float64
	}{
		{modes.Sequential, 1, 1}, // the fastest round counts
		{modes.Goroutines, 2, 1},
		{modes.Processes, 2, 0.5}, // start-up counts: 400 / (50 + 150)
	} {
		r, _ := rep.Find(c.mode)
		s, ok1 := rep.Speedup(r)
		e, ok2 := rep.Efficiency(r)
		if !ok1 || !ok2 || s != c.speedup || e != c.efficiency {
			t.Errorf("%s: speedup %v %v, efficiency %v %v; want %v, %v", c.mode, s, ok1, e, ok2, c.speedup, c.efficiency)
		}
	}
	m := rep.Metrics()
	p := m[modes.Processes].(map[string]any)
	if p["wall_ms"] != 200.0 || p["startup_ms"] != 50.0 || p["compute_ms"] != 150.0 || p["speedup"] != 2.0 || p["efficiency"] != 0.5 || p["workers"] != 4 {
		t.Errorf("processes metrics %v", p)
	}
	if r := p["rounds_ms"].([]float64); len(r) != 3 || r[0] != 170 {
		t.Errorf("rounds_ms %v", r)
	}
	tb := rep.Table()
	if len(tb.Rows) != 3 || tb.Rows[2][5] != "2×" || tb.Rows[2][6] != "50%" || tb.Rows[2][2] != "50ms" || tb.Rows[0][2] != "—" {
		t.Errorf("table %v", tb.Rows)
	}
}

// Without a sequential run there is nothing to compare with: no speedup is
// made up, and only the modes that ran appear.
func TestNoBaseline(t *testing.T) {
	rep := modes.Report{{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{time.Second}}}
	if _, ok := rep.Speedup(rep[0]); ok {
		t.Error("speedup without a sequential run")
	}
	m := rep.Metrics()
	if len(m) != 1 {
		t.Errorf("metrics for modes that did not run: %v", m)
	}
	g := m[modes.Goroutines].(map[string]any)
	if _, ok := g["speedup"]; ok {
		t.Errorf("speedup reported: %v", g)
	}
	if row := rep.Table().Rows[0]; row[5] != "—" || row[6] != "—" {
		t.Errorf("row %v", row)
	}
}

func TestSelected(t *testing.T) {
	if got := modes.Selected("all"); len(got) != 3 || got[0] != modes.Sequential {
		t.Errorf("all = %v", got)
	}
	if got := modes.Selected(modes.Processes); len(got) != 1 || got[0] != modes.Processes {
		t.Errorf("processes = %v", got)
	}
	k := modes.Knob()
	for _, m := range append([]string{"all"}, modes.All...) {
		if _, err := k.Parse(m); err != nil {
			t.Errorf("--mode %s: %v", m, err)
		}
	}
}
