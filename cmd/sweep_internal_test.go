package cmd

import (
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of the sweep plot")

func msOf(v ...float64) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x * float64(time.Millisecond))
	}
	return out
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{msOf(30, 10, 20), msOf(20)[0]},
		{msOf(40, 10, 30, 20), msOf(25)[0]},
		{msOf(7), msOf(7)[0]},
		{nil, 0},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestSweepFigures checks the figures on injected times: speed-up is
// t(1)/t(N) of the medians exactly, efficiency is against min(N, CPUs),
// the spread is (max − min) ÷ median, and the warnings fire.
func TestSweepFigures(t *testing.T) {
	times := map[int][]time.Duration{
		1: msOf(100, 110, 90),     // spread 20%: not noisy (only above 20% is)
		2: msOf(50, 52, 48),       // 2× on 2 CPUs: the ideal
		4: msOf(60, 90, 40),       // noisy: 50 ÷ 60
		8: msOf(40, 40.5, 39.5),   // 2.5× on 2 CPUs: above the bound
		3: msOf(100.1, 100, 99.9), // not asked: ignored
	}
	w := figure("goroutines", []int{1, 2, 4, 8}, times, 2)
	if len(w.Points) != 4 {
		t.Fatalf("%d points", len(w.Points))
	}
	p1, p2, p4, p8 := w.Points[0], w.Points[1], w.Points[2], w.Points[3]
	for _, p := range w.Points {
		if want := float64(p1.median) / float64(p.median); p.Speedup != want {
			t.Errorf("%d workers: speed-up %v, want t(1)/t(N) = %v", p.Workers, p.Speedup, want)
		}
		if want := p.Speedup / float64(min(p.Workers, 2)); p.Efficiency != want || p.Ideal != min(p.Workers, 2) {
			t.Errorf("%d workers: efficiency %v against %d, want %v against %d", p.Workers, p.Efficiency, p.Ideal, want, min(p.Workers, 2))
		}
		if want := float64(p.q3-p.q1) / float64(p.median); p.Spread != want {
			t.Errorf("%d workers: spread %v, want %v", p.Workers, p.Spread, want)
		}
	}
	if p1.MedianMs != 100 || p2.MedianMs != 50 || p2.Speedup != 2 || p2.Efficiency != 1 {
		t.Errorf("1 and 2 workers: %+v %+v", p1, p2)
	}
	if p1.Noisy || p2.Noisy || !p4.Noisy || p8.Noisy {
		t.Errorf("noisy: %v %v %v %v, want only 4 workers", p1.Noisy, p2.Noisy, p4.Noisy, p8.Noisy)
	}
	if p1.Above || p2.Above || p4.Above || !p8.Above {
		t.Errorf("above the bound: %v %v %v %v, want only 8 workers (2.5× on 2 CPUs)", p1.Above, p2.Above, p4.Above, p8.Above)
	}
	text := strings.Join(w.Warnings, "\n")
	for _, want := range []string{
		"4 worker(s): the middle runs spread over 83% of their median, above 20%: too noisy to compare",
		"8 worker(s): 2.5× is above the 2× that min(workers, CPUs) allows: a measurement problem",
		"not a success",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("warnings lack %q:\n%s", want, text)
		}
	}
	// 1 and 2 do not overlap; 2 → 4 keeps the ideal at 2×, so an overlap
	// there is no warning.
	if strings.Contains(text, "overlap") {
		t.Errorf("an overlap warning:\n%s", text)
	}

	// Where the ideal rises and the runs overlap, the gap is noise.
	w = figure("processes", []int{1, 2}, map[int][]time.Duration{1: msOf(100, 60, 101), 2: msOf(65, 70, 75)}, 4)
	if text := strings.Join(w.Warnings, "\n"); !strings.Contains(text, "1 and 2 worker(s): their middle runs overlap (60ms–101ms and 65ms–75ms)") {
		t.Errorf("no overlap warning:\n%s", text)
	}
	// Of five runs, one stray run each neither makes the middle ones
	// overlap nor calls the count noisy: the spread is the middle runs'.
	w = figure("processes", []int{1, 2}, map[int][]time.Duration{1: msOf(100, 101, 99, 100, 30), 2: msOf(50, 51, 49, 50, 120)}, 4)
	if text := strings.Join(w.Warnings, "\n"); len(w.Warnings) != 0 {
		t.Errorf("stray runs:\n%s", text)
	}
	if p := w.Points[1]; p.Spread != 0.02 || p.MinMs != 49 || p.MaxMs != 120 {
		t.Errorf("2 workers of runs 49–51 and one of 120: spread %v, min–max %v–%v; want 2%% and 49–120", p.Spread, p.MinMs, p.MaxMs)
	}
	// Five runs whose middle ones scatter are noisy.
	w = figure("processes", []int{1, 2}, map[int][]time.Duration{1: msOf(100, 100, 100, 100, 100), 2: msOf(40, 50, 60, 70, 80)}, 4)
	if text := strings.Join(w.Warnings, "\n"); !strings.Contains(text, "2 worker(s): the middle runs spread over 33% of their median") {
		t.Errorf("scattered middle runs:\n%s", text)
	}
	if lo, hi := middle(msOf(5, 1, 4, 2, 3)); lo != msOf(2)[0] || hi != msOf(4)[0] {
		t.Errorf("middle of 1…5 = %v–%v, want 2ms–4ms", lo, hi)
	}
	// Several noisy counts make one warning.
	w = figure("processes", []int{1, 2, 4}, map[int][]time.Duration{1: msOf(100, 150, 100), 2: msOf(50, 50, 50), 4: msOf(50, 100, 50)}, 4)
	if text := strings.Join(w.Warnings, "\n"); !strings.Contains(text, "1 and 4 worker(s): the middle runs spread over 50–100% of their medians, above 20%") {
		t.Errorf("noisy counts:\n%s", text)
	}
	// A count with no times has no figures and flags nothing.
	w = figure("processes", []int{1, 2}, map[int][]time.Duration{2: msOf(5)}, 4)
	if p := w.Points[1]; p.Speedup != 0 || p.Above || len(w.Points[0].RunsMs) != 0 {
		t.Errorf("without a baseline: %+v", w.Points)
	}
}

func TestSweepCounts(t *testing.T) {
	got, notes := sweepCounts([]int{8, 0, 2}, 2)
	if !slices.Equal(got, []int{1, 2, 8}) {
		t.Errorf("counts %v, want [1 2 8]", got)
	}
	text := strings.Join(notes, "; ")
	for _, want := range []string{"0 stands for 2 here", "2 is in the list twice once 0 is read", "1 was added"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes %q lack %q", text, want)
		}
	}
	if got, notes := sweepCounts([]int{4, 1, 2}, 0); !slices.Equal(got, []int{1, 2, 4}) || len(notes) != 0 {
		t.Errorf("counts %v notes %v", got, notes)
	}
}

func plotLine() sweepLine {
	return sweepLine{Knob: "workers", Counts: []int{1, 2, 4, 8}, CPUs: 2, Ways: []sweepWay{
		{Way: "goroutines", Points: []sweepPoint{{RunsMs: []float64{1}, Speedup: 1}, {RunsMs: []float64{1}, Speedup: 1.9}, {RunsMs: []float64{1}, Speedup: 1.8}, {RunsMs: []float64{1}, Speedup: 1.7}}},
		{Way: "processes", Points: []sweepPoint{{RunsMs: []float64{1}, Speedup: 1}, {RunsMs: []float64{1}, Speedup: 1.5}, {RunsMs: []float64{1}, Speedup: 2.6}, {}}},
	}}
}

// TestSweepPlot is the plot of recorded figures at 80 columns (golden;
// go test -run TestSweepPlot -update rewrites it), and it fits 60.
func TestSweepPlot(t *testing.T) {
	got := strings.Join(ui.Plot([]string{"1", "2", "4", "8"}, sweepSeries(plotLine()), 80, 10), "\n") + "\n"
	golden := filepath.Join("testdata", "sweep_plot.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("plot:\n%s\nwant:\n%s", got, want)
	}
	for _, width := range []int{80, 60} {
		for _, l := range ui.Plot([]string{"1", "2", "4", "8"}, sweepSeries(plotLine()), width, 10) {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("at %d columns a line of %d: %q", width, n, l)
			}
		}
	}
	// The mark of 2.6× (above the bound) lies above the 2× ideal: the
	// top of the scale is 3×.
	if !strings.HasPrefix(got, "  3× |") {
		t.Errorf("the scale does not reach 3×:\n%s", got)
	}
}

// sweepFakeOptions and sweepFakeMetrics are a fake pool scenario whose times are
// injected by a --shape knob, so the sweep's figures can be checked end
// to end without timing anything.
type sweepFakeOptions struct {
	Workers, Repeat int
	Shape           string
}

type sweepFakeMetrics struct {
	Ms float64 `json:"ms"` // the injected time
}

func fakePool() demos.Demo {
	d := demos.Scenario[sweepFakeOptions, sweepFakeMetrics]{Name: "fake", ID: "X9", Title: "a fake pool",
		Knobs: func(k *demos.Knobs, o *sweepFakeOptions) {
			k.Int(&o.Workers, "workers", "pool size", 2, 0, 16)
			k.Int(&o.Repeat, "repeat", "time it this many times", 3, 1, 20)
			k.Choice(&o.Shape, "shape", "the injected times", "ideal", "ideal", "super", "noisy")
		},
		Run: func(ctx context.Context, env *demos.Env, o *sweepFakeOptions) (ev.Result, error) {
			ms := 120 / float64(o.Workers)
			switch o.Shape {
			case "super":
				ms = 120 / float64(o.Workers*o.Workers)
			case "noisy":
				ms *= 1 + float64(env.Seed/3%3)/2
			}
			return ev.Result{Verdict: "done", Metrics: sweepFakeMetrics{Ms: ms}}, nil
		},
		Sweep: &demos.Sweep[sweepFakeOptions, sweepFakeMetrics]{Knob: "workers", Timed: "injected",
			Zero: func(*sweepFakeOptions) int { return 3 },
			Ways: func(*sweepFakeOptions) []string { return []string{"pool"} },
			Once: func(o *sweepFakeOptions) { o.Repeat = 1 },
			Time: func(m sweepFakeMetrics, _ string) (time.Duration, bool) {
				return time.Duration(m.Ms * float64(time.Millisecond)), true
			},
		},
	}.Demo()
	d.Chapter, d.ChapterTitle = 1, "Fakes"
	return d
}

// TestSweepEndToEnd runs sweeps of the fake pool: the sweep line's
// figures follow from its own sweep_run lines.
func TestSweepEndToEnd(t *testing.T) {
	for _, shape := range []string{"ideal", "super", "noisy"} {
		out, errOut, code := runFake(t, []demos.Demo{fakePool()}, "fake", "--workers", "4,0", "--repeat", "3", "--shape", shape, "--json", "--seed", "1")
		if code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d, stderr %q", shape, code, errOut)
		}
		runs := map[int][]time.Duration{}
		var sw sweepLine
		for l := range strings.Lines(out) {
			var r sweepRunLine
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%s: %q: %v", shape, l, err)
			}
			switch r.Type {
			case "sweep_run":
				runs[r.Workers] = append(runs[r.Workers], time.Duration(r.Ms*float64(time.Millisecond)))
			case "sweep":
				if err := json.Unmarshal([]byte(l), &sw); err != nil {
					t.Fatal(err)
				}
			default:
				t.Errorf("%s: a %q line", shape, r.Type)
			}
		}
		if !slices.Equal(sw.Counts, []int{1, 3, 4}) || sw.Repeat != 3 || len(sw.Ways) != 1 {
			t.Fatalf("%s: sweep line %+v", shape, sw)
		}
		base := median(runs[1])
		for _, p := range sw.Ways[0].Points {
			if len(runs[p.Workers]) != 3 {
				t.Errorf("%s: %d runs of %d workers", shape, len(runs[p.Workers]), p.Workers)
			}
			// The lines carry times rounded to the microsecond.
			want := float64(base) / float64(median(runs[p.Workers]))
			if math.Abs(p.Speedup/want-1) > 1e-4 || math.Abs(p.Efficiency*float64(p.Ideal)/want-1) > 1e-4 {
				t.Errorf("%s: %d workers: speed-up %v efficiency %v, want %v and %v", shape, p.Workers, p.Speedup, p.Efficiency, want, want/float64(p.Ideal))
			}
			if want := p.Speedup > float64(p.Ideal)*1.02; p.Above != want {
				t.Errorf("%s: %d workers: above %v at %v× of %d×", shape, p.Workers, p.Above, p.Speedup, p.Ideal)
			}
		}
		if shape == "super" && !sw.Ways[0].Points[1].Above {
			t.Errorf("super: 3 workers at 9× not flagged")
		}
		if shape == "noisy" && !sw.Ways[0].Points[0].Noisy {
			t.Errorf("noisy: 1 worker's runs (×1, ×1.5, ×2) not flagged: %+v", sw.Ways[0].Points[0])
		}
	}
	// The text: header, table, plot; nothing wider than 80 columns.
	out, _, code := runFake(t, []demos.Demo{fakePool()}, "fake", "--workers", "1,2,4", "--repeat", "2", "--shape", "super")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"fake  sweep of --workers 1,2,4: 2 runs per count", "GOMAXPROCS", "timed: injected", "16×!", "measurement problem", "speed-up (median t(1) ÷ t(N))"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	for l := range strings.Lines(out) {
		if n := utf8.RuneCountInString(strings.TrimSuffix(l, "\n")); n > 80 {
			t.Errorf("a line of %d columns: %q", n, l)
		}
	}
	// A sweep projected past its budget is refused after its first run.
	defer func(b time.Duration) { sweepBudget = b }(sweepBudget)
	sweepBudget = time.Nanosecond
	out, errOut, code := runFake(t, []demos.Demo{fakePool()}, "fake", "--workers", "1,2", "--repeat", "3", "--json")
	if code != 2 || !strings.Contains(errOut, "its first run took") || strings.Count(errOut, "\n") != 1 || strings.Count(out, "sweep_run") != 1 {
		t.Errorf("past the budget: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}

// TestSweepDeclarations: the four pool-shaped scenarios sweep --workers,
// each declaration is well formed, and no other scenario takes a list.
func TestSweepDeclarations(t *testing.T) {
	var swept []string
	for _, d := range Registry() {
		if err := d.CheckSweep(); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if d.SweepKnob != "" {
			swept = append(swept, d.Name+" --"+d.SweepKnob)
			if len(d.Bind().Sweep().Ways()) == 0 {
				t.Errorf("%s: no way to sweep at the default knobs", d.Name)
			}
		}
	}
	slices.Sort(swept)
	if want := []string{"gil --workers", "pool futures --workers", "pool primes --workers", "pool sum --workers"}; !slices.Equal(swept, want) {
		t.Errorf("swept %v, want %v", swept, want)
	}
}
