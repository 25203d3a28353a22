package poolsum

import (
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/modes"
)

// Each branch of the verdict, from injected times on 2 CPUs with 8
// slices: the goroutines' speed-up near 2× shows the lesson; one above 2×
// is a measurement problem and does not pass; goroutines no faster than
// the loop (the inlined-copy slowdown looked like this) do not pass and
// say what to try; processes that lose to their start-up are told, not
// failed.
func TestVerdictBranches(t *testing.T) {
	ms := time.Millisecond
	j := job{cpus: 2, n: 100_000_000, workers: 8, rounds: 1}
	want := Formula(j.n)
	for _, c := range []struct {
		name     string
		gor, pro time.Duration
		observed bool
		words    []string
		hint     string
	}{
		{"good", 52 * ms, 70 * ms, true, []string{"goroutines 1.92× the sequential speed (best possible 2×, efficiency 96%)",
			"processes 1.43× the sequential speed (best possible 2×, efficiency 71%)", "starting its 8 processes took 20ms of its 70ms, paid every run"}, ""},
		{"impossible", 40 * ms, 70 * ms, false, []string{"goroutines 2.5×", "measurement problem", "another program took CPU from the sequential run"},
			"--repeat 5"},
		{"none", 100 * ms, 70 * ms, false, []string{"goroutines 1× the sequential speed, short of 1.5×, half the possible gain"}, "a bigger --n (--n 1,000,000,000)"},
	} {
		rep := modes.Report{
			{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{100 * ms}},
			{Mode: modes.Goroutines, Workers: 8, Rounds: []time.Duration{c.gor}},
			{Mode: modes.Processes, Workers: 8, Rounds: []time.Duration{c.pro}},
		}
		outs := map[string]outcome{
			modes.Sequential: {sum: want}, modes.Goroutines: {sum: want},
			modes.Processes: {sum: want, spawn: []time.Duration{20 * ms}},
		}
		res := conclude(j, want, rep, outs)
		if res.Observed != c.observed || !strings.HasPrefix(res.Hint, c.hint) {
			t.Errorf("%s: observed %v, hint %q, verdict %q", c.name, res.Observed, res.Hint, res.Verdict)
		}
		for _, w := range c.words {
			if !strings.Contains(res.Verdict, w) {
				t.Errorf("%s: verdict %q lacks %q", c.name, res.Verdict, w)
			}
		}
		if got := classify(res.Metrics.(Metrics)); got != map[string]string{"good": "speed-up", "impossible": "impossible speed-up", "none": "no speed-up"}[c.name] {
			t.Errorf("%s: outcome %q", c.name, got)
		}
	}
	// A wrong sum is a bug, whatever the times.
	rep := modes.Report{{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{100 * ms}}}
	res := conclude(j, want, rep, map[string]outcome{modes.Sequential: {sum: want - 1}})
	if res.Observed || !strings.Contains(res.Verdict, "but sequential got") || classify(res.Metrics.(Metrics)) != "wrong sum" {
		t.Errorf("wrong sum: %v %q", res.Observed, res.Verdict)
	}
}

func classify(m Metrics) string {
	for _, o := range outcomes() {
		if o.When(&Options{}, m) {
			return o.Name
		}
	}
	return "unexpected"
}
