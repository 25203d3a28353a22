package poolsum_test

import (
	"runtime"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/demos/poolsum"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := poolsum.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	c := min(8, runtime.NumCPU())
	if c < 2 {
		t.Skip("one CPU: no pool can be faster")
	}
	mode := func(speedup, wallMs float64) poolsum.Mode {
		return poolsum.Mode{Metrics: modes.Metrics{Workers: 8, Speedup: &speedup, Ceiling: c, WallMs: wallMs}}
	}
	cases := []struct {
		g, p *poolsum.Mode
		want [2]int
	}{
		{ptr(mode(float64(c), 10)), ptr(mode(1.5, 30)), [2]int{1, 1}},    // goroutines first
		{ptr(mode(1.1, 30)), ptr(mode(1.5, 10)), [2]int{2, 0}},           // processes first
		{ptr(mode(float64(c)*2, 10)), ptr(mode(1, 10.5)), [2]int{-1, 2}}, // impossible; a tie
		{ptr(mode(1, 10)), nil, [2]int{2, -1}},                           // processes did not run
		{nil, nil, [2]int{-1, -1}},
	}
	for _, k := range cases {
		m := poolsum.Metrics{Modes: map[string]poolsum.Mode{}}
		if k.g != nil {
			m.Modes[modes.Goroutines] = *k.g
		}
		if k.p != nil {
			m.Modes[modes.Processes] = *k.p
		}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, "workers=8")
		if rev[0].Choice != k.want[0] || rev[1].Choice != k.want[1] {
			t.Errorf("%+v: answers %+v, want %v", m.Modes, rev, k.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := poolsum.New()
	knobs := []string{"n=2000000", "workers=4", "repeat=1"}
	res, _ := demotest.MustRun(t, d, 1000, knobs...)
	rev := demotest.Reveal(t, d, res, knobs...)
	// Timings are this machine's: any answer will do, but both ways ran,
	// so the second question has one.
	if rev[1].Choice < 0 && proc.Supported() == nil {
		t.Errorf("answers %+v", rev)
	}
	t.Logf("%+v", rev)
	// One way alone: nothing to compare.
	res, _ = demotest.MustRun(t, d, 1000, append(knobs, "run-as=goroutines")...)
	if rev := demotest.Reveal(t, d, res, append(knobs, "run-as=goroutines")...); rev[0].Choice != -1 || rev[1].Choice != -1 {
		t.Errorf("goroutines alone: answers %+v, want none", rev)
	}
}
