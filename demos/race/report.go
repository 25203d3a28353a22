package race

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/race"
)

// Metrics are what the scenario measured. The top-level keys describe the
// protection the user asked for; with --compare that is the protected side,
// and compare holds both sides.
type Metrics struct {
	Side
	// Only with --compare: each side's metrics under its mode, "none" and
	// the protected one.
	Compare map[string]Side `json:"compare,omitempty"`
	// Only with --detector: what Go's race detector reported on the
	// plain data race built as a program of its own (detector.go).
	Detector *Detector `json:"detector,omitempty"`
}

// Side is what one protection did over all its trials.
type Side struct {
	Mode         string  `json:"mode"`           // none, plain, mutex, atomic or channel (at the top level with --compare: the protected side)
	Workers      int     `json:"workers"`        // goroutines sharing the counter
	Count        int     `json:"count"`          // updates per worker
	Window       string  `json:"window"`         // what a worker did between read and write: none, spin or yield
	Expected     int64   `json:"expected"`       // the value a correct run ends with
	Observed     int64   `json:"observed"`       // the value the worst trial ended with, the one furthest from expected (finals has every trial's, in order)
	LostUpdates  int64   `json:"lost_updates"`   // |expected − observed|: the most any trial lost; with adders and subtractors a lower bound, as lost additions and subtractions cancel (0 means none visible)
	Finals       []int64 `json:"finals"`         // the value each trial ended with, in order: the whole distribution
	NsPerUpdate  float64 `json:"ns_per_update"`  // mean trial wall time ÷ updates
	Trials       int     `json:"trials"`         // how many runs
	RunsWithLoss int     `json:"runs_with_loss"` // how many of them lost updates
	*Spread              // only with --trials > 1
}

// Spread summarises the lost updates over several trials.
type Spread struct {
	LostMin    int64          `json:"lost_min"`    // only with --trials > 1: the fewest updates a trial lost
	LostMedian int64          `json:"lost_median"` // only with --trials > 1: the median trial's lost updates
	LostMax    int64          `json:"lost_max"`    // only with --trials > 1: the most updates a trial lost
	Histogram  map[string]int `json:"histogram"`   // only with --trials > 1: trials per decade of lost updates, keyed "0", "1–9", …, "1M+"
}

// conclude turns the trials into metrics, tables and the verdict. The first
// side is the unprotected one when comparing; the last is what the user
// asked for.
func conclude(sides []side) ev.Result {
	last := sides[len(sides)-1]
	m := Metrics{Side: metrics(last)}
	if len(sides) > 1 {
		m.Compare = map[string]Side{}
		for _, s := range sides {
			m.Compare[string(s.mode)] = metrics(s)
		}
	}
	res := ev.Result{Metrics: m}
	for _, s := range sides {
		prefix := ""
		if len(sides) > 1 {
			prefix = string(s.mode) + " "
		}
		if len(sides) > 1 || len(s.finals) > 1 {
			res.Timing = append(res.Timing, ev.Timing{Label: prefix + "per trial (mean)", D: s.meanWall()})
		}
		res.Timing = append(res.Timing, ev.Timing{Label: prefix + "per update", D: time.Duration(math.Round(s.nsPerUpdate()))})
	}
	if len(last.finals) > 1 {
		res.Tables = append(res.Tables, histogram(sides))
	}

	switch {
	case len(sides) == 2:
		b, f := sides[0], sides[1]
		res.Observed = b.runsWithLoss() > 0 && f.runsWithLoss() == 0
		res.Verdict = fmt.Sprintf("unprotected: %s; %s: %s", lossText(b), label(f.mode), lossText(f))
		if f.runsWithLoss() > 0 {
			res.Verdict += " — the protected counter lost updates: that is a bug, please report it"
		} else if b.runsWithLoss() == 0 {
			res.Hint = hint(b)
		}
	case len(last.deltas) == 1:
		res.Verdict = "one worker has nobody to race with: " + lossText(last)
		res.Hint = "--workers 2 (or more)"
	case last.unprotected():
		res.Observed = last.runsWithLoss() > 0
		res.Verdict = lossText(last)
		if res.Observed {
			res.Verdict += ": race observed"
		} else {
			res.Verdict += ": the race did not show up this time"
			if last.cancels() {
				res.Verdict = lossText(last) + ": none visible this time (a lost addition and a lost subtraction cancel, so this does not prove none were lost)"
			}
			res.Hint = hint(last)
		}
	default:
		res.Observed = last.runsWithLoss() == 0
		res.Verdict = lossText(last) + ": the " + label(last.mode) + " made every read-modify-write whole"
		if !res.Observed {
			res.Verdict = lossText(last) + " despite the " + label(last.mode) + ": that is a bug, please report it"
		}
	}
	return res
}

func metrics(s side) Side {
	// The top-level figures are the worst trial's, so that they agree with
	// runs_with_loss: with --trials, "lost > 0" means some trial lost.
	worst := 0
	for i := range s.finals {
		if s.lost(i) > s.lost(worst) {
			worst = i
		}
	}
	m := Side{
		Mode: string(s.mode), Workers: len(s.deltas), Count: s.count, Window: string(s.window),
		Expected: s.expected(), Observed: s.finals[worst], LostUpdates: s.lost(worst), Finals: slices.Clone(s.finals),
		NsPerUpdate: math.Round(s.nsPerUpdate()*10) / 10,
		Trials:      len(s.finals), RunsWithLoss: s.runsWithLoss(),
	}
	if len(s.finals) > 1 {
		lost := make([]int64, len(s.finals))
		for i := range lost {
			lost[i] = s.lost(i)
		}
		slices.Sort(lost)
		sp := &Spread{LostMin: lost[0], LostMedian: lost[len(lost)/2], LostMax: lost[len(lost)-1], Histogram: map[string]int{}}
		for _, l := range lost {
			sp.Histogram[bucket(l)]++
		}
		m.Spread = sp
	}
	return m
}

func lossText(s side) string {
	total := int64(len(s.deltas) * s.count)
	if len(s.finals) == 1 {
		l := s.lost(0)
		if l == 0 && s.cancels() && s.unprotected() {
			// Losses can cancel: a drift of 0 is "none visible", not "none lost".
			return fmt.Sprintf("no drift from %s in %s updates", ev.Int(s.expected()), ev.Int(total))
		}
		if l == 0 {
			return fmt.Sprintf("0 of %s updates lost", ev.Int(total))
		}
		atLeast := ""
		if s.cancels() {
			atLeast = "at least "
		}
		return fmt.Sprintf("lost %s%s of %s updates (%.1f%%)", atLeast, ev.Int(l), ev.Int(total), 100*float64(l)/float64(total))
	}
	if s.runsWithLoss() == 0 && s.cancels() && s.unprotected() {
		return fmt.Sprintf("no drift in any of %d runs", len(s.finals))
	}
	if s.runsWithLoss() == 0 {
		return fmt.Sprintf("0 lost in all %d runs", len(s.finals))
	}
	return fmt.Sprintf("lost updates in %d of %d runs", s.runsWithLoss(), len(s.finals))
}

func hint(s side) string {
	if s.window == race.NoWindow {
		return "--window spin (the default) or yield, which widen the gap between read and write; or a higher --count, or --trials 20"
	}
	return "another run, a higher --count, or --trials 20 to see how often it happens"
}

// buckets are decades of lost updates: 0, 1–9, 10–99, ...
var buckets = []string{"0", "1–9", "10–99", "100–999", "1k–10k", "10k–100k", "100k–1M", "1M+"}

func bucket(lost int64) string {
	if lost == 0 {
		return buckets[0]
	}
	i := min(int(math.Log10(float64(lost)))+1, len(buckets)-1)
	return buckets[i]
}

// histogram is the trials' distribution of lost updates, one column per side.
func histogram(sides []side) ev.Table {
	tb := ev.Table{Title: "lost updates per run", Header: []string{"lost"}}
	counts := make([]map[string]int, len(sides))
	for i, s := range sides {
		tb.Header = append(tb.Header, string(s.mode)+" runs")
		counts[i] = map[string]int{}
		for t := range s.finals {
			counts[i][bucket(s.lost(t))]++
		}
	}
	width := 20
	for _, b := range buckets {
		row := []string{b}
		any := false
		for i, s := range sides {
			n := counts[i][b]
			any = any || n > 0
			bar := strings.Repeat("█", (n*width+len(s.finals)-1)/len(s.finals))
			row = append(row, fmt.Sprintf("%4d %s", n, bar))
		}
		if any {
			tb.Rows = append(tb.Rows, row)
		}
	}
	return tb
}
