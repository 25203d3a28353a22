package poolfutures_test

import (
	"runtime"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/demos/poolfutures"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := poolfutures.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	c := min(5, runtime.NumCPU())
	if c < 2 {
		t.Skip("one CPU: no pool can be faster")
	}
	sp := func(s float64) map[string]modes.Metrics {
		return map[string]modes.Metrics{modes.Goroutines: {Workers: 5, Speedup: &s, Ceiling: c}}
	}
	cases := []struct {
		knobs []string
		m     poolfutures.Metrics
		want  [2]int
	}{
		{nil, poolfutures.Metrics{Completion: map[string][]int{"goroutines": {0, 1, 2}}, Modes: sp(float64(c))}, [2]int{0, 1}},
		{nil, poolfutures.Metrics{Completion: map[string][]int{"goroutines": {1, 0, 2}}, Modes: sp(1)}, [2]int{1, 2}},
		{[]string{"run-as=sequential"}, poolfutures.Metrics{Completion: map[string][]int{"sequential": {0, 1, 2}}}, [2]int{0, -1}},
		{[]string{"run-as=processes"}, poolfutures.Metrics{Completion: map[string][]int{"processes": {2, 0, 1}}}, [2]int{1, -1}},
		{nil, poolfutures.Metrics{Modes: sp(float64(c) * 3)}, [2]int{-1, -1}},
	}
	for _, k := range cases {
		rev := demotest.Reveal(t, d, ev.Result{Metrics: k.m}, k.knobs...)
		if rev[0].Choice != k.want[0] || rev[1].Choice != k.want[1] {
			t.Errorf("%v %+v: answers %+v, want %v", k.knobs, k.m, rev, k.want)
		}
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := poolfutures.New()
	// One goroutine in turn keeps the order; the speed-up question has
	// nothing to compare with.
	knobs := []string{"run-as=sequential", "loops=100000", "repeat=1"}
	res, _ := demotest.MustRun(t, d, 1000, knobs...)
	if rev := demotest.Reveal(t, d, res, knobs...); rev[0].Choice != 0 || rev[1].Choice != -1 {
		t.Errorf("sequential: answers %+v, want a and none", rev)
	}
	knobs = []string{"loops=1000000", "repeat=1"}
	res, _ = demotest.MustRun(t, d, 1000, knobs...)
	rev := demotest.Reveal(t, d, res, knobs...)
	if rev[0].Choice < 0 {
		t.Errorf("answers %+v", rev)
	}
	t.Logf("%+v", rev)
}
