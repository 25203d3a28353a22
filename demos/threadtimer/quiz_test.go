package threadtimer_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threadtimer"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each choice, from hand-built metrics of the defaults (5 greetings of
// 10 story-s work: 5 alive at the peak).
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := threadtimer.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for live, want := range map[int]int{1: 0, 2: 1, 5: 2, 6: 2, 3: -1} {
		m := threadtimer.Metrics{Ticks: 5, MaxLive: live, Level: 10}
		if rev := demotest.Reveal(t, d, ev.Result{Metrics: m}); rev[0].Choice != want {
			t.Errorf("max live %d: choice %d (%s), want %d", live, rev[0].Choice, rev[0].Measured, want)
		}
	}
}

// Real runs in fake time: the peak is one per greeting up to work ÷
// interval, and one when the work is shorter than the interval.
func TestQuizAnswersFromARun(t *testing.T) {
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 2},
		{[]string{"work=0"}, 0},
		{[]string{"work=4", "ticks=2"}, 1}, // two greetings: exactly two alive (work=1 would tie a finish with a start in fake time)
		{[]string{"work=4", "ticks=10"}, 2},
	} {
		synctest.Test(t, func(t *testing.T) {
			d := threadtimer.New()
			demotest.RunAnswers(t, d, 100, c.knobs, c.want)
		})
	}
}
