package modes_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
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
	p, ok := m[modes.Processes]
	if !ok || p.WallMs != 200 || p.StartupMs != 50 || p.ComputeMs != 150 || p.Speedup == nil || *p.Speedup != 2 ||
		p.Efficiency == nil || *p.Efficiency != 0.5 || p.Workers != 4 {
		t.Errorf("processes metrics %+v", p)
	}
	if r := p.RoundsMs; len(r) != 3 || r[0] != 170 {
		t.Errorf("rounds_ms %v", r)
	}
	if s := m[modes.Sequential]; s.Speedup == nil || *s.Speedup != 1 || s.StartupMs != 0 || s.WallMs != 400 {
		t.Errorf("sequential metrics %+v", s)
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
	g, ok := m[modes.Goroutines]
	if !ok || g.Speedup != nil || g.Efficiency != nil {
		t.Errorf("speedup reported: %+v", g)
	}
	// Absent, not 0: the JSON has no speedup or efficiency key at all.
	raw, err := json.Marshal(g)
	if err != nil || strings.Contains(string(raw), "speedup") || strings.Contains(string(raw), "efficiency") {
		t.Errorf("goroutines JSON %s (%v)", raw, err)
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
	d := demos.Scenario[options, struct{}]{Name: "modes test", Knobs: func(k *demos.Knobs, o *options) { modes.Knobs(k, &o.Mode, &o.Rounds) }}.Demo()
	if o := d.Bind().Options().(*options); o.Mode != "all" || o.Rounds != 3 {
		t.Errorf("--mode defaults to %q and --rounds to %d, want all and 3", o.Mode, o.Rounds)
	}
	for _, m := range append([]string{"all"}, modes.All...) {
		b := d.Bind()
		if err := b.Set("mode", m); err != nil {
			t.Errorf("--mode %s: %v", m, err)
		} else if got := b.Options().(*options).Mode; got != m {
			t.Errorf("--mode %s bound %q", m, got)
		}
	}
	if err := d.Bind().Set("mode", "threads"); err == nil {
		t.Error("--mode threads accepted")
	}
}

// options is a scenario's options with only the --mode knob.
type options struct {
	Mode   string
	Rounds int
}

// A speedup or efficiency that rounds to 0 (a tiny job on many processes)
// is still reported: only a missing sequential run leaves them out.
func TestZeroSpeedupKept(t *testing.T) {
	rep := modes.Report{
		{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{time.Microsecond}},
		{Mode: modes.Processes, Workers: 64, Startup: time.Second, Rounds: []time.Duration{time.Millisecond}},
	}
	raw, err := json.Marshal(rep.Metrics()[modes.Processes])
	if err != nil || !strings.Contains(string(raw), `"speedup":0,`) || !strings.Contains(string(raw), `"efficiency":0}`) {
		t.Errorf("processes JSON %s (%v)", raw, err)
	}
}
