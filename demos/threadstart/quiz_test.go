package threadstart_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threadstart"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each reachable choice, from hand-built metrics: 5 messages each, so the
// slower worker takes 10 story-s and both added 15.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := threadstart.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	base := threadstart.Metrics{Times: 5, LongestStoryS: 10, SumStoryS: 15}
	for _, c := range []struct {
		joined     float64
		mainFirst  bool
		want0, wan int
	}{
		{0.1, true, 0, 1},
		{10.2, true, 1, 1},
		{15.1, false, 2, 0},
		{13, true, 2, 1},
		{5, true, -1, 1}, // neither the one nor the other: not scored
	} {
		m := base
		m.JoinedStoryS, m.MainEndedFirst, m.EndedAheadMs = c.joined, c.mainFirst, 500
		if !c.mainFirst {
			m.EndedAheadMs = -3
		}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.want0 || rev[1].Choice != c.wan {
			t.Errorf("joined %g, main first %v: choices %d (%s), %d (%s); want %d, %d",
				c.joined, c.mainFirst, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.want0, c.wan)
		}
	}
}

// A real run (in fake time, so the pace is exact): join takes the slower
// worker's time, and main ends first without join.
func TestQuizAnswersFromARun(t *testing.T) {
	for _, times := range []string{"times=5", "times=2"} {
		synctest.Test(t, func(t *testing.T) {
			d := threadstart.New()
			res, _ := demotest.MustRun(t, d, 100, times)
			rev := demotest.Reveal(t, d, res, times)
			if rev[0].Choice != 1 || rev[1].Choice != 1 {
				t.Errorf("%s: %s / %s", times, rev[0].Measured, rev[1].Measured)
			}
		})
	}
}
