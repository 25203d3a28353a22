package threaddaemon_test

import (
	"fmt"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threaddaemon"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each choice, from hand-built metrics of 10 workers.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := threaddaemon.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for total, want := range map[int]int{10: 0, 4: 1, 1: 1, 0: 2} {
		m := threaddaemon.Metrics{Workers: 10, TotalAtExit: total, FinishedAtExit: total, CutOff: 10 - total}
		if rev := demotest.Reveal(t, d, ev.Result{Metrics: m}); rev[0].Choice != want {
			t.Errorf("total %d: choice %d (%s), want %d", total, rev[0].Choice, rev[0].Measured, want)
		}
	}
}

// Real runs in fake time: the answer is what the sleeps drawn say — all
// finish when main outlives the longest sleep (2 story-s), none when it
// returns at once, else those that slept less.
func TestQuizAnswersFromARun(t *testing.T) {
	for _, exit := range []int{0, 1, 3} {
		synctest.Test(t, func(t *testing.T) {
			d := threaddaemon.New()
			knob := fmt.Sprint("exit-after=", exit)
			res, _ := demotest.MustRun(t, d, 10, knob)
			m := demotest.Metrics[threaddaemon.Metrics](t, res)
			short := 0
			for _, s := range m.DelaysS {
				if s < float64(exit) {
					short++
				}
			}
			want := 1
			switch short {
			case m.Workers:
				want = 0
			case 0:
				want = 2
			}
			rev := demotest.Reveal(t, d, res, knob)
			if rev[0].Choice != want {
				t.Errorf("%s: choice %d (%s), want %d (%d slept less)", knob, rev[0].Choice, rev[0].Measured, want, short)
			}
		})
	}
}
