package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// defaultSweepRepeat is the runs per count of a sweep without --repeat:
// enough for a median and a spread, few enough that a default sweep of
// pool primes takes seconds.
const defaultSweepRepeat = 5

// sweepSpeed is a sweep's --speed unless one is given: the story pauses
// between a scenario's parts (and gil's IO-bound waits) are not what a
// sweep times, so it runs them fast; the timed work does not depend on
// the speed.
const sweepSpeed = 100

// sweepBudget is the longest a sweep may be expected to take: after its
// first run (the slowest count comes first) a sweep projected to take
// longer is stopped before the rest.
var sweepBudget = 5 * time.Minute

// noisySpread is the relative spread of a count's middle runs ((upper
// quartile − lower quartile) ÷ median, see middle) above which they are too
// scattered to compare. The middle runs, not min and max: on a shared
// machine one run in five is often slowed by another program, and that
// one run should not call a clear difference between medians noise.
const noisySpread = 0.20

// boundMargin is how far above min(N, CPUs) a speed-up may read before it
// is flagged as a measurement problem (modes.Margin, the same 2%).
const boundMargin = 0.02

// sweepFlag is the pflag value of a scenario's swept knob: one count is
// the knob as ever; a list ("1,2,4,8") asks for a sweep.
type sweepFlag struct {
	knob   knob
	counts *[]int
}

func (f *sweepFlag) String() string { return f.knob.String() }
func (f *sweepFlag) Type() string   { return "int|list" }
func (f *sweepFlag) Set(s string) error {
	if !strings.Contains(s, ",") {
		*f.counts = nil
		return f.knob.Set(s)
	}
	l, err := demos.ParseCounts(f.knob.p, s)
	if err != nil {
		return err
	}
	*f.counts = l
	return nil
}

// sweepRunLine is the JSON line of one run of a sweep (docs/json.md).
type sweepRunLine struct {
	Type    string  `json:"type"`
	Demo    string  `json:"demo"`
	Way     string  `json:"way"`
	Workers int     `json:"workers"`
	Run     int     `json:"run"`
	Seed    int64   `json:"seed"`
	Ms      float64 `json:"ms"`
	Error   string  `json:"error,omitempty"`
}

// sweepPoint is one count's figures in one way.
type sweepPoint struct {
	Workers    int       `json:"workers"`
	RunsMs     []float64 `json:"runs_ms"`
	MedianMs   float64   `json:"median_ms"`
	MinMs      float64   `json:"min_ms"`
	MaxMs      float64   `json:"max_ms"`
	Spread     float64   `json:"spread"`     // (upper − lower quartile) ÷ median; with fewer than 5 runs (max − min) ÷ median
	Speedup    float64   `json:"speedup"`    // median t(1) ÷ median t(N)
	Ideal      int       `json:"ideal"`      // min(N, CPUs)
	Efficiency float64   `json:"efficiency"` // speedup ÷ ideal
	Noisy      bool      `json:"noisy"`      // spread above 20%: too noisy to compare
	Above      bool      `json:"above_bound"`

	median, lo, hi time.Duration
	q1, q3         time.Duration // the middle runs' range (see middle)
}

// middle is the range of the middle runs of ds: the lower and upper
// quartiles, so that one stray run of five does not widen it (for fewer
// than five runs, min and max).
func middle(ds []time.Duration) (lo, hi time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := float64(len(s) - 1)
	return s[int(math.Floor(0.25*n))], s[int(math.Ceil(0.75*n))]
}

// sweepWay is one way's figures.
type sweepWay struct {
	Way      string       `json:"way"`
	Points   []sweepPoint `json:"points"`
	Warnings []string     `json:"warnings"`
}

// sweepLine is the final JSON line of a sweep.
type sweepLine struct {
	Type       string     `json:"type"`
	Demo       string     `json:"demo"`
	Knob       string     `json:"knob"`
	Timed      string     `json:"timed"`
	Counts     []int      `json:"counts"`
	Repeat     int        `json:"repeat"`
	Seed       int64      `json:"seed"`  // the first run's; run i (from 0) has seed + i
	Speed      float64    `json:"speed"` // the runs' --speed
	CPUs       int        `json:"cpus"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	Load       []float64  `json:"load,omitempty"`
	Notes      []string   `json:"notes"`
	Ways       []sweepWay `json:"ways"`
	WallMs     float64    `json:"wall_ms"`
}

// median of ds (sorted or not); the mean of the middle two for an even
// count.
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// figure turns one way's measured times (per count, counts ascending, 1
// first) into its figures: medians, the speed-up over one worker, the
// efficiency against min(N, cpus), the spread, and the warnings.
func figure(way string, counts []int, times map[int][]time.Duration, cpus int) sweepWay {
	w := sweepWay{Way: way, Warnings: []string{}}
	var base time.Duration
	for _, n := range counts {
		ts := times[n]
		p := sweepPoint{Workers: n, Ideal: max(1, min(n, cpus))}
		if len(ts) == 0 {
			w.Points = append(w.Points, p)
			continue
		}
		p.median, p.lo, p.hi = median(ts), slices.Min(ts), slices.Max(ts)
		p.q1, p.q3 = middle(ts)
		for _, t := range ts {
			p.RunsMs = append(p.RunsMs, ev.Ms(t))
		}
		p.MedianMs, p.MinMs, p.MaxMs = ev.Ms(p.median), ev.Ms(p.lo), ev.Ms(p.hi)
		if p.median > 0 {
			p.Spread = float64(p.q3-p.q1) / float64(p.median)
		}
		if n == 1 {
			base = p.median
		}
		if base > 0 && p.median > 0 {
			p.Speedup = float64(base) / float64(p.median)
			p.Efficiency = p.Speedup / float64(p.Ideal)
		}
		p.Noisy = p.Spread > noisySpread
		p.Above = p.Speedup > float64(p.Ideal)*(1+boundMargin)
		w.Points = append(w.Points, p)
	}
	// The noisy counts in one warning: on a busy machine that is all of
	// them.
	var noisy []string
	lo, hi := math.Inf(1), 0.0
	for _, p := range w.Points {
		if p.Noisy {
			noisy = append(noisy, strconv.Itoa(p.Workers))
			lo, hi = min(lo, p.Spread), max(hi, p.Spread)
		}
	}
	switch {
	case len(noisy) == 1:
		w.Warnings = append(w.Warnings, fmt.Sprintf("%s worker(s): the middle runs spread over %.0f%% of their median, above %.0f%%: too noisy to compare",
			noisy[0], 100*lo, 100*noisySpread))
	case len(noisy) > 1:
		w.Warnings = append(w.Warnings, fmt.Sprintf("%s worker(s): the middle runs spread over %.0f–%.0f%% of their medians, above %.0f%%: too noisy to compare",
			andList(noisy), 100*lo, 100*hi, 100*noisySpread))
	}
	for i, p := range w.Points {
		if p.Above {
			w.Warnings = append(w.Warnings, fmt.Sprintf("%d worker(s): %s× is above the %d× that min(workers, CPUs) allows: a measurement problem "+
				"(the 1-worker runs were slowed, or the runs are too short to time), not a success", p.Workers, ev.Float(p.Speedup), p.Ideal))
		}
		// Where the ideal line rises, the medians should differ: if the
		// middle runs of the two counts overlap, the gap is within the
		// noise.
		if i > 0 {
			q := w.Points[i-1]
			if q.Ideal != p.Ideal && q.median > 0 && p.median > 0 && p.q1 <= q.q3 && q.q1 <= p.q3 {
				w.Warnings = append(w.Warnings, fmt.Sprintf("%d and %d worker(s): their middle runs overlap (%s–%s and %s–%s): the gap between the medians is noise",
					q.Workers, p.Workers, ev.Dur(q.q1), ev.Dur(q.q3), ev.Dur(p.q1), ev.Dur(p.q3)))
			}
		}
	}
	return w
}

// sweepCounts resolves the counts asked for: 0 to what it stands for
// (zero), duplicates that leaves merged, 1 added as the baseline when
// missing, in ascending order; notes say what was changed.
func sweepCounts(asked []int, zero int) (counts []int, notes []string) {
	for _, n := range asked {
		if n == 0 && zero > 0 {
			notes = append(notes, fmt.Sprintf("0 stands for %d here", zero))
			n = zero
		}
		if slices.Contains(counts, n) {
			notes = append(notes, fmt.Sprintf("%d is in the list twice once 0 is read, so it runs once", n))
			continue
		}
		counts = append(counts, n)
	}
	if !slices.Contains(counts, 1) {
		counts = append(counts, 1)
		notes = append(notes, "1 was added: the speed-up of N workers is t(1) ÷ t(N)")
	}
	slices.Sort(counts)
	return counts, notes
}

// sweepRepeat is the runs per count: --repeat when given (at most
// MaxSweepRepeat), else defaultSweepRepeat.
func sweepRepeat(knobs *demos.Bound) (int, error) {
	if !knobs.Changed("repeat") {
		return defaultSweepRepeat, nil
	}
	r, err := strconv.Atoi(knobs.Text("repeat"))
	if err != nil {
		return 0, err
	}
	if r > demos.MaxSweepRepeat {
		return 0, fmt.Errorf("--repeat %d: a sweep takes at most %d runs per count", r, demos.MaxSweepRepeat)
	}
	return r, nil
}

// sweepBind is fresh knobs for one run of a sweep: the knobs the user
// gave, the swept knob at n, set up to time way once.
func sweepBind(d demos.Demo, given []ev.Param, n int, way string) (*demos.Bound, error) {
	b := d.Bind()
	for _, p := range given {
		if p.Name == d.SweepKnob {
			continue
		}
		if err := b.Set(p.Name, p.Value); err != nil {
			return nil, fmt.Errorf("--%s %s: %v", p.Name, p.Value, err)
		}
	}
	if err := b.Set(d.SweepKnob, strconv.Itoa(n)); err != nil {
		return nil, fmt.Errorf("--%s %d: %v", d.SweepKnob, n, err)
	}
	b.Sweep().Prepare(way)
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("--%s %d: %v", d.SweepKnob, n, err)
	}
	return b, nil
}

// loadAverage is the machine's load averages over 1, 5 and 15 minutes,
// where /proc/loadavg tells them (nil elsewhere).
func loadAverage() []float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	var out []float64
	for _, f := range strings.Fields(string(b))[:min(3, len(strings.Fields(string(b))))] {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// runSweep is `pardemo NAME --workers 1,2,4,8`: each count run --repeat
// times quietly, the counts taking turns within each round of runs so
// that a slow spell of the machine falls on every count alike; then the
// figures per way, the warnings and the plot.
func (a *app) runSweep(d demos.Demo, knobs *demos.Bound, asked []int) error {
	// --trials, --quiz and --view timeline were refused with a sweep by
	// the command (demoCommand).
	sw := knobs.Sweep()
	repeat, err := sweepRepeat(knobs)
	if err != nil {
		return usagef("%v", err)
	}
	ways := sw.Ways()
	if len(ways) == 0 {
		return usagef("--%s %s: the way chosen does not use --%s, so there is nothing to sweep (try --run-as all)", sw.Knob, joinCounts(asked), sw.Knob)
	}
	counts, notes := sweepCounts(asked, sw.Zero())
	given := knobs.Given()
	passes := [][]string{ways} // one run times every way
	if sw.Separate() {
		passes = nil
		for _, w := range ways {
			passes = append(passes, []string{w})
		}
	}
	// Every run's knobs are checked before the first starts: the
	// scenario's own bound on total work applies to each count.
	cfg := a.configFor(d, knobs)
	speedNote := ""
	if !a.speedSet && cfg.Speed < sweepSpeed {
		cfg.Speed, speedNote = sweepSpeed, " (story pauses are not timed)"
	}
	var cost time.Duration
	for _, pass := range passes {
		for _, n := range counts {
			b, err := sweepBind(d, given, n, pass[0])
			if err != nil {
				return usagef("%v", err)
			}
			cost += b.Sweep().Cost(cfg.Speed) * time.Duration(repeat)
		}
	}
	if cost > sweepBudget {
		return usagef("this sweep would take about %s (%d counts × --repeat %d, estimated from the knobs), more than the %s a sweep may: "+
			"use fewer counts, a smaller --repeat or less work", ev.Dur(cost.Round(time.Second)), len(counts), repeat, ev.Dur(sweepBudget))
	}
	seed := cfg.Seed
	total := len(passes) * len(counts) * repeat
	times := map[string]map[int][]time.Duration{}
	for _, w := range ways {
		times[w] = map[int][]time.Duration{}
	}
	th := a.theme()
	cpus, procs := runtime.NumCPU(), runtime.GOMAXPROCS(0)
	load := loadAverage()
	if !a.json {
		fmt.Fprintf(a.io.Out, "%s  sweep of --%s %s: %d runs per count, %d runs in all\n", th.Bold.Sprint(d.Name), sw.Knob, joinCounts(counts), repeat, total)
		fmt.Fprintf(a.io.Out, "  NumCPU %d, GOMAXPROCS %d%s\n", cpus, procs, loadText(load))
		fmt.Fprintf(a.io.Out, "  --speed %g%s, seeds %d…%d\n", cfg.Speed, speedNote, seed, seed+int64(total)-1)
		if sw.Timed != "" {
			fmt.Fprintf(a.io.Out, "  timed: %s\n", sw.Timed)
		}
		fmt.Fprintf(a.io.Out, "  a count's time is the median of its %d runs (each times each way once); spread\n"+
			"  is its middle runs' (quartiles'): the fastest alone would hide whether two\n"+
			"  counts really differ, and one stray slow run should not\n", repeat)
		if len(load) > 0 && load[0] >= float64(cpus) {
			lines := wrap(fmt.Sprintf("the machine is busy (load %s on %d CPUs): the times will say as much about the other programs as about --%s",
				ev.Float(load[0]), cpus, sw.Knob), a.sweepWidth()-4)
			fmt.Fprintf(a.io.Out, "  %s %s\n", th.Warn.Sprint("!"), lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(a.io.Out, "    %s\n", l)
			}
		}
		for _, n := range notes {
			fmt.Fprintf(a.io.Out, "  (%s)\n", n)
		}
	}
	enc := json.NewEncoder(a.io.Out)
	enc.SetEscapeHTML(false)
	progress := a.io.OutTTY && !a.json
	start := time.Now()
	done := 0
	for r := range repeat {
		for _, pass := range passes {
			for _, n := range counts {
				if progress {
					fmt.Fprintf(a.io.Out, "\r  run %d of %d: %s, --%s %d…\x1b[K", done+1, total, strings.Join(pass, " and "), sw.Knob, n)
				}
				b, err := sweepBind(d, given, n, pass[0])
				if err != nil {
					return usagef("%v", err)
				}
				rc := demos.Config{Seed: seed + int64(done), Speed: cfg.Speed, Knobs: b, Watchdog: a.watchdog, Quiet: demos.QuietOn}
				res, _, err := demos.Execute(a.ctx, d, rc, discard{})
				if progress {
					fmt.Fprint(a.io.Out, "\r\x1b[K")
				}
				if errors.Is(err, demos.ErrInterrupted) {
					return err
				}
				for _, w := range pass {
					line := sweepRunLine{Type: "sweep_run", Demo: d.Name, Way: w, Workers: n, Run: r + 1, Seed: rc.Seed}
					if err == nil {
						if t, ok := b.Sweep().Time(res, w); ok {
							times[w][n] = append(times[w][n], t)
							line.Ms = ev.Ms(t)
						} else {
							err = fmt.Errorf("the run measured no time for %s", w)
						}
					}
					if err != nil {
						line.Error = oneLine(err.Error())
					}
					if a.json {
						_ = enc.Encode(line)
					}
					if err != nil {
						return renderedIf(a.json, fmt.Errorf("%s with --%s %d, run %d: %w", w, sw.Knob, n, r+1, err))
					}
				}
				done++
				if done == 1 {
					if est := time.Since(start) * time.Duration(total); est > sweepBudget {
						return usagef("this sweep would take about %s (its first run took %s, and it has %d), more than the %s a sweep may: "+
							"use fewer counts, a smaller --repeat or less work", ev.Dur(est), ev.Dur(time.Since(start)), total, ev.Dur(sweepBudget))
					}
				}
			}
		}
	}
	line := sweepLine{Type: "sweep", Demo: d.Name, Knob: sw.Knob, Timed: sw.Timed, Counts: counts, Repeat: repeat, Seed: seed, Speed: cfg.Speed, CPUs: cpus, GOMAXPROCS: procs,
		Load: load, Notes: append([]string{}, notes...), WallMs: ev.Ms(time.Since(start))}
	for _, w := range ways {
		line.Ways = append(line.Ways, figure(w, counts, times[w], cpus))
	}
	if a.json {
		_ = enc.Encode(line)
		return a.out.Err()
	}
	a.printSweep(line, th)
	return a.out.Err()
}

func loadText(load []float64) string {
	if len(load) == 0 {
		return ""
	}
	return fmt.Sprintf("; load average %s, %s, %s (1, 5, 15 min)", ev.Float(load[0]), ev.Float(load[1]), ev.Float(load[2]))
}

func joinCounts(l []int) string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// sweepMarks are the plot marks of the ways, in order.
var sweepMarks = []byte{'*', 'o', '#', '@'}

func (a *app) printSweep(s sweepLine, th *ui.Theme) {
	out := a.io.Out
	for _, w := range s.Ways {
		fmt.Fprintf(out, "\n%s\n", th.Bold.Sprint(w.Way))
		fmt.Fprintf(out, "  %7s  %8s  %-15s  %6s  %8s  %5s  %10s\n", s.Knob, "median", "min–max", "spread", "speed-up", "ideal", "efficiency")
		for _, p := range w.Points {
			if len(p.RunsMs) == 0 {
				fmt.Fprintf(out, "  %7d  %8s\n", p.Workers, "—")
				continue
			}
			// A flagged figure gets a "!" (the warnings below say why) and
			// the colour of a problem, never that of a success.
			speed, spread := ev.Float(p.Speedup)+"×", fmt.Sprintf("%.0f%%", 100*p.Spread)
			if p.Above {
				speed = th.Bad.Sprint(speed + "!")
			}
			if p.Noisy {
				spread = th.Warn.Sprint(spread + "!")
			}
			fmt.Fprintf(out, "  %7d  %8s  %-15s  %s  %s  %4d×  %9.0f%%\n", p.Workers, ev.Dur(p.median),
				ev.Dur(p.lo)+"–"+ev.Dur(p.hi), pad(spread, 6), pad(speed, 8), p.Ideal, 100*p.Efficiency)
		}
		for _, wn := range w.Warnings {
			lines := wrap(wn, a.sweepWidth()-4)
			fmt.Fprintf(out, "  %s %s\n", th.Warn.Sprint("!"), lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(out, "    %s\n", l)
			}
		}
	}
	fmt.Fprintln(out)
	xs := make([]string, len(s.Counts))
	for i, n := range s.Counts {
		xs[i] = strconv.Itoa(n)
	}
	width := a.sweepWidth()
	fmt.Fprintf(out, "speed-up (median t(1) ÷ t(N)) against --%s; the ideal is min(N, %d CPUs)\n", s.Knob, s.CPUs)
	for _, l := range ui.Plot(xs, sweepSeries(s), width, 10) {
		fmt.Fprintln(out, l)
	}
}

// pad right-aligns a possibly coloured string to n visible columns.
func pad(s string, n int) string {
	visible := len([]rune(stripANSI(s)))
	if visible >= n {
		return s
	}
	return strings.Repeat(" ", n-visible) + s
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sweepSeries is the plot's lines: the ideal first, then each way.
func sweepSeries(s sweepLine) []ui.PlotSeries {
	ideal := ui.PlotSeries{Name: "ideal min(N, CPUs)", Mark: '.', Line: true}
	for _, n := range s.Counts {
		ideal.Y = append(ideal.Y, float64(max(1, min(n, s.CPUs))))
	}
	series := []ui.PlotSeries{ideal}
	for i, w := range s.Ways {
		ps := ui.PlotSeries{Name: w.Way, Mark: sweepMarks[i%len(sweepMarks)]}
		for _, p := range w.Points {
			y := p.Speedup
			if len(p.RunsMs) == 0 || y == 0 {
				y = math.NaN()
			}
			ps.Y = append(ps.Y, y)
		}
		series = append(series, ps)
	}
	return series
}

// sweepWidth is the width the sweep's table notes and plot fit: the
// terminal's, at most 80; 80 when stdout is not a terminal.
func (a *app) sweepWidth() int {
	w := a.width()
	if w <= 0 || w > ui.DefaultWidth {
		return ui.DefaultWidth
	}
	return max(w, 40)
}

// wrap breaks s into lines of at most width columns at spaces.
func wrap(s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			out = append(out, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(out, line)
}

// andList joins "1", "2", "4" as "1, 2 and 4".
func andList(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}
