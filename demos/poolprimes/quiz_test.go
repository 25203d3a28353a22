package poolprimes_test

import (
	"runtime"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/demos/poolprimes"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := poolprimes.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	// Eight workers, six numbers: the best possible is min(8, CPUs, 6).
	c := max(1, min(8, runtime.NumCPU(), 6))
	if c < 2 {
		t.Skip("one CPU: no pool can be faster")
	}
	speed := func(s, goMs, procMs float64) map[string]modes.Metrics {
		ms := map[string]modes.Metrics{modes.Goroutines: {Workers: 8, Speedup: &s, Ceiling: c, ComputeMs: goMs}}
		if procMs > 0 {
			ms[modes.Processes] = modes.Metrics{Workers: 8, Ceiling: c, ComputeMs: procMs}
		}
		return ms
	}
	cases := []struct {
		m    map[string]modes.Metrics
		want [2]int
	}{
		{speed(float64(c)*0.95, 100, 105), [2]int{1, 2}}, // about the ceiling; a tie
		{speed(1.05, 100, 80), [2]int{2, 0}},             // no gain; processes faster
		{speed(float64(c)*1.5, 100, 150), [2]int{-1, 1}}, // above the bound: a measurement problem
		{speed(1, 100, 0), [2]int{2, -1}},                // the processes did not run
		{map[string]modes.Metrics{}, [2]int{-1, -1}},     // nothing but sequential ran
	}
	for _, k := range cases {
		rev := demotest.Reveal(t, d, ev.Result{Metrics: poolprimes.Metrics{Modes: k.m}}, "workers=8")
		if rev[0].Choice != k.want[0] || rev[1].Choice != k.want[1] {
			t.Errorf("%+v: answers %+v, want %v", k.m, rev, k.want)
		}
	}
	if ch := demotest.Knobs(t, d, "workers=8").Ask()[0].Choices; len(ch) != 3 {
		t.Errorf("choices %q", ch)
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := poolprimes.New()
	small := []string{"numbers=1000000007,998244353,1000000009,754974721", "repeat=1"}
	// Only the goroutines ran: no sequential run to compare with.
	knobs := append([]string{"run-as=goroutines"}, small...)
	res, _ := demotest.MustRun(t, d, 1000, knobs...)
	if rev := demotest.Reveal(t, d, res, knobs...); rev[0].Choice != -1 || rev[1].Choice != -1 {
		t.Errorf("goroutines alone: answers %+v, want none", rev)
	}
	// Every way: the speed-up is this machine's, any answer will do.
	res, _ = demotest.MustRun(t, d, 1000, small...)
	rev := demotest.Reveal(t, d, res, small...)
	if rev[1].Choice < 0 && proc.Supported() == nil {
		t.Errorf("both pools ran, yet no answer: %+v", rev)
	}
	t.Logf("%+v", rev)
}
