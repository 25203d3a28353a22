package threadjoin_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threadjoin"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each reachable choice, from hand-built metrics of 10 workers.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := threadjoin.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ratio      float64
		alive      bool
		want0, wan int
	}{
		{1.05, true, 0, 1},
		{9.8, true, 1, 1},
		{4.2, false, 2, 0},
	} {
		m := threadjoin.Metrics{Workers: 10, SerialMs: 2000, ConcurrentMs: 2000 / c.ratio, Ratio: c.ratio, TimeoutJoinMs: 100, AliveAfterTimeout: c.alive}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.want0 || rev[1].Choice != c.wan {
			t.Errorf("ratio %g, alive %v: %d (%s), %d (%s); want %d, %d", c.ratio, c.alive,
				rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.want0, c.wan)
		}
	}
}

// Real runs in fake time: B is N× faster (about as long as A for one
// worker), and the timed-out worker is still running.
func TestQuizAnswersFromARun(t *testing.T) {
	for _, c := range []struct {
		knob string
		want int
	}{{"workers=10", 1}, {"workers=1", 0}, {"workers=3", 1}} {
		synctest.Test(t, func(t *testing.T) {
			d := threadjoin.New()
			res, _ := demotest.MustRun(t, d, 100, c.knob)
			rev := demotest.Reveal(t, d, res, c.knob)
			if rev[0].Choice != c.want || rev[1].Choice != 1 {
				t.Errorf("%s: %s / %s", c.knob, rev[0].Measured, rev[1].Measured)
			}
		})
	}
}
