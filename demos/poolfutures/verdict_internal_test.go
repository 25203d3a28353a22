package poolfutures

import (
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/modes"
)

// Each branch of the verdict, from injected times on 2 CPUs: a good
// speed-up shows the lesson; one above min(workers, CPUs) is a measurement
// problem and does not pass; one that gains too little does not pass and
// says what to try; wrong answers are a bug whatever the times.
func TestVerdictBranches(t *testing.T) {
	ms := time.Millisecond
	j := job{cpus: 2, workers: 5, items: 10, loops: Loops, repeat: 1}
	results := make([]got, 10)
	for x := range results {
		results[x] = got{x: int64(x), value: Loops * int64(x)}
	}
	order := map[string][]int{}
	seq := modes.Run{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{100 * ms}}
	for _, c := range []struct {
		name     string
		gor, pro time.Duration
		observed bool
		words    []string
	}{
		{"good", 51 * ms, 54 * ms, true, []string{"goroutines 1.96× the sequential speed (best possible 2×, efficiency 98%)",
			"processes 1.85×", "start-up of 40ms not counted"}},
		{"impossible", 30 * ms, 54 * ms, false, []string{"goroutines 3.33×", "above the 2× that min(workers, CPUs) allows", "measurement problem",
			"another program took CPU from the sequential run, or the runs were too short to time"}},
		{"none", 51 * ms, 95 * ms, false, []string{"processes 1.05× the sequential speed, short of 1.25×, a quarter of the possible gain"}},
	} {
		rep := modes.Report{seq,
			{Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{c.gor}},
			{Mode: modes.Processes, Workers: 5, Startup: 40 * ms, Rounds: []time.Duration{c.pro}}}
		res := conclude(j, rep, results, order, []int{1, 2, 3, 4, 5}, []int{25, 64}, nil)
		if res.Observed != c.observed {
			t.Errorf("%s: observed %v, verdict %q", c.name, res.Observed, res.Verdict)
		}
		for _, w := range c.words {
			if !strings.Contains(res.Verdict, w) {
				t.Errorf("%s: verdict %q lacks %q", c.name, res.Verdict, w)
			}
		}
		if !c.observed && !strings.Contains(res.Hint, "--loops 100,000,000") {
			t.Errorf("%s: hint %q", c.name, res.Hint)
		}
		m := res.Metrics.(Metrics)
		out := ""
		for _, o := range outcomes() {
			if o.When(&Options{}, m) {
				out = o.Name
				break
			}
		}
		want := map[string]string{"good": "speed-up", "impossible": "impossible speed-up", "none": "no speed-up"}[c.name]
		if out != want {
			t.Errorf("%s: outcome %q, want %q", c.name, out, want)
		}
	}
	// Wrong answers: the times do not matter.
	bad := append([]got(nil), results...)
	bad[3].value = 7
	rep := modes.Report{seq, {Mode: modes.Goroutines, Workers: 5, Rounds: []time.Duration{51 * ms}}}
	res := conclude(j, rep, bad, order, nil, []int{25, 64}, j.checkResults("goroutines", bad))
	if res.Observed || !strings.Contains(res.Verdict, "count(3) = 7, want 30,000,000") {
		t.Errorf("wrong results: %v %q", res.Observed, res.Verdict)
	}
	if out := outcomes()[0]; !out.When(&Options{}, res.Metrics.(Metrics)) {
		t.Error("wrong results not classed forbidden")
	}
	// One worker: nothing to gain, and the hint says so.
	j1 := j
	j1.workers = 1
	rep = modes.Report{seq, {Mode: modes.Goroutines, Workers: 1, Rounds: []time.Duration{100 * ms}}}
	if res := conclude(j1, rep, results, order, nil, []int{25, 64}, nil); res.Observed || res.Hint != "--workers 2 or more" {
		t.Errorf("one worker: %v %q %q", res.Observed, res.Verdict, res.Hint)
	}
}
