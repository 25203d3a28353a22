package gil_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each reachable choice, from hand-built metrics of 4 jobs on 4 workers.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := gil.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		seq, par, gilIO float64
		want0, want1    int
	}{
		{400, 100, 10, 1, 1}, // 4× on all cores; the waits overlapped
		{400, 390, 40, 0, 0}, // no faster; the waits took turns
		{400, 600, 25, 2, -1},
		{400, 0, 10, -1, 1}, // nothing measured: not scored
	} {
		m := gil.Metrics{Cores: 4, Workers: 4, WaitMs: 10,
			CPU: gil.Ways{SequentialMs: c.seq, ParallelMs: c.par}, IO: gil.Ways{SequentialMs: 40, GILMs: c.gilIO}}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.want0 || rev[1].Choice != c.want1 {
			t.Errorf("%+v: %d (%s), %d (%s)", c, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
		}
	}
	// No speed-up while the machine gave the goroutines one core of four:
	// that says nothing about goroutines, so it is not scored.
	busy := gil.Metrics{Cores: 4, Workers: 4, WaitMs: 10, CPU: gil.Ways{SequentialMs: 400, GILMs: 400, ParallelMs: 390},
		IO: gil.Ways{GILMs: 10}, CoresUsed: gil.CoresUsed{Sequential: 1, GIL: 1, Parallel: 1}}
	if rev := demotest.Reveal(t, d, ev.Result{Metrics: busy}); rev[0].Choice != -1 {
		t.Errorf("starved: %d (%s)", rev[0].Choice, rev[0].Measured)
	}
	// Two workers for four waits: two rounds, so "about 2 story-s" is the
	// overlapped answer and 4 the one-at-a-time one.
	m := gil.Metrics{Cores: 2, Workers: 2, WaitMs: 10, CPU: gil.Ways{SequentialMs: 1, ParallelMs: 1}, IO: gil.Ways{GILMs: 21}}
	if rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, "workers=2"); rev[1].Choice != 1 {
		t.Errorf("2 workers, 2.1 waits: %d (%s)", rev[1].Choice, rev[1].Measured)
	}
}

// A real run: the CPU answer depends on the machine (only that it is
// answered is checked), the waits overlap under the GIL.
func TestQuizAnswersFromARun(t *testing.T) {
	d := gil.New()
	knobs := []string{"count=2000000", "repeat=1"}
	res, _ := demotest.MustRun(t, d, 20, knobs...)
	rev := demotest.Reveal(t, d, res, knobs...)
	if rev[1].Choice != 1 {
		t.Errorf("waits under the GIL: %s", rev[1].Measured)
	}
	t.Logf("CPU: %s", rev[0].Measured)
}
