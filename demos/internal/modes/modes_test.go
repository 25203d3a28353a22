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
		{modes.Processes, 400.0 / 150, 400.0 / 150 / 4}, // start-up left out; 4 workers on 4 CPUs: best 4×
	} {
		r, _ := rep.Find(c.mode)
		s, ok1 := rep.Speedup(r)
		e, ok2 := rep.Efficiency(r, 4, 0)
		if !ok1 || !ok2 || s != c.speedup || e != c.efficiency {
			t.Errorf("%s: speedup %v %v, efficiency %v %v; want %v, %v", c.mode, s, ok1, e, ok2, c.speedup, c.efficiency)
		}
	}
	m := rep.Metrics(2, 0) // on 2 CPUs: the 4 processes can reach 2× at best, and claim 2.67×
	p, ok := m[modes.Processes]
	if !ok || p.WallMs != 200 || p.StartupMs != 50 || p.ComputeMs != 150 || p.Speedup == nil || *p.Speedup != 2.667 ||
		p.Efficiency == nil || *p.Efficiency != 1.333 || p.Workers != 4 || p.Ceiling != 2 || p.Judged != "impossible" {
		t.Errorf("processes metrics %+v", p)
	}
	if r := p.RoundsMs; len(r) != 3 || r[0] != 170 {
		t.Errorf("rounds_ms %v", r)
	}
	if s := m[modes.Sequential]; s.Speedup == nil || *s.Speedup != 1 || s.StartupMs != 0 || s.WallMs != 400 || s.Judged != "baseline" {
		t.Errorf("sequential metrics %+v", s)
	}
	if g := m[modes.Goroutines]; g.Judged != "speed-up" || *g.Efficiency != 1 {
		t.Errorf("goroutines metrics %+v", g)
	}
	tb := rep.Table(4, 0)
	if len(tb.Rows) != 3 || tb.Rows[1][5] != "2×" || tb.Rows[1][6] != "2×" || tb.Rows[1][7] != "100%" ||
		tb.Rows[2][2] != "50ms" || tb.Rows[2][6] != "4×" || tb.Rows[0][2] != "—" {
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
	m := rep.Metrics(2, 0)
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
	if row := rep.Table(2, 0).Rows[0]; row[5] != "—" || row[7] != "—" {
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
		t.Errorf("--run-as defaults to %q and --repeat to %d, want all and 3", o.Mode, o.Rounds)
	}
	for _, knob := range []string{"run-as", "mode"} { // mode: the deprecated spelling
		for _, m := range append([]string{"all"}, modes.All...) {
			b := d.Bind()
			if err := b.Set(knob, m); err != nil {
				t.Errorf("--%s %s: %v", knob, m, err)
			} else if got := b.Options().(*options).Mode; got != m {
				t.Errorf("--%s %s bound %q", knob, m, got)
			}
		}
	}
	if err := d.Bind().Set("run-as", "threads"); err == nil {
		t.Error("--run-as threads accepted")
	}
	b := d.Bind()
	if err := b.Set("rounds", "5"); err != nil || b.Options().(*options).Rounds != 5 {
		t.Errorf("--rounds 5 (deprecated for --repeat): %v", err)
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
		{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{time.Microsecond / 10}},
		{Mode: modes.Processes, Workers: 64, Startup: time.Second, Rounds: []time.Duration{time.Millisecond}},
	}
	raw, err := json.Marshal(rep.Metrics(2, 0)[modes.Processes])
	if err != nil || !strings.Contains(string(raw), `"speedup":0,`) || !strings.Contains(string(raw), `"efficiency":0,`) {
		t.Errorf("processes JSON %s (%v)", raw, err)
	}
}

// Each branch of the judgement, from injected times: a speed-up above
// min(workers, CPUs) is a measurement problem, not a success; one below
// half the possible gain did not show the lesson; one CPU or one worker
// cannot show it at all.
func TestJudge(t *testing.T) {
	ms := time.Millisecond
	seq := modes.Run{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{100 * ms}}
	for _, c := range []struct {
		name        string
		pool        modes.Run
		cpus, tasks int
		want        modes.Status
		words       string
	}{
		{"good", modes.Run{Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{52 * ms}}, 2, 10, modes.Speedup, "best possible 2×, efficiency 96%"},
		{"impossible", modes.Run{Mode: modes.Processes, Workers: 5, Rounds: []time.Duration{30 * ms}}, 2, 10, modes.Impossible, "measurement problem"},
		{"just above", modes.Run{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{49 * ms}}, 2, 10, modes.Impossible, "another program took CPU"},
		{"none", modes.Run{Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{90 * ms}}, 2, 10, modes.NoSpeedup, "short of 1.5×, half the possible gain"},
		{"one cpu", modes.Run{Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{100 * ms}}, 1, 10, modes.Serial, "nothing runs side by side"},
		{"one task", modes.Run{Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{100 * ms}}, 8, 1, modes.Serial, "best possible of 1×"},
		{"processes: a lower bar", modes.Run{Mode: modes.Processes, Workers: 5, Rounds: []time.Duration{78 * ms}}, 2, 10, modes.Speedup, "1.28×"},
		{"processes: below it", modes.Run{Mode: modes.Processes, Workers: 5, Rounds: []time.Duration{85 * ms}}, 2, 10, modes.NoSpeedup, "short of 1.25×, a quarter of the possible gain"},
		{"start-up apart", modes.Run{Mode: modes.Processes, Workers: 2, Startup: 500 * ms, Rounds: []time.Duration{55 * ms}}, 2, 10, modes.Speedup, "start-up of 500ms not counted"},
	} {
		js := modes.Report{seq, c.pool}.Judge(c.cpus, c.tasks)
		if len(js) != 1 || js[0].Status != c.want || !strings.Contains(js[0].String(), c.words) {
			t.Errorf("%s: %+v %q, want %s with %q", c.name, js, js[0].String(), c.want, c.words)
			continue
		}
		text, shown := modes.Summary(js)
		if shown != (c.want == modes.Speedup) || text != js[0].String() || modes.Worst(js) != c.want {
			t.Errorf("%s: summary %q %v", c.name, text, shown)
		}
	}
	if js := (modes.Report{{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{ms}}}).Judge(2, 0); len(js) != 0 {
		t.Errorf("judged without a sequential run: %v", js)
	}
	if _, shown := modes.Summary(nil); shown {
		t.Error("nothing judged, yet shown")
	}
}
