package barrier_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := barrier.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	demotest.CheckQuizWording(t, d, "no-barrier")
	cases := []struct {
		m    barrier.Metrics
		want int
	}{
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 0.01}, 1},
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 799.9}, 0},
		{barrier.Metrics{ArrivalGapMs: 2, BarrierSkewMs: 1.9}, -1}, // arrived too close to tell
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 300, ReleasedEarly: true}, -1},
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 8, Processes: true}, 1}, // a process's wake-up may lag more
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 8}, -1},                 // neither together nor apart
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
}

// On the cookbook's pacing (a synctest bubble): the barrier lines the
// two up; without it they stamp as far apart as their work ended.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := barrier.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"no-barrier"}, 0},
	} {
		synctest.Test(t, func(t *testing.T) {
			demotest.RunAnswers(t, d, 1, c.knobs, c.want)
		})
	}
}

// A real run at a high speed: when the lesson showed, the answer is
// "together" with the barrier and "apart" without.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := barrier.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"no-barrier"}, 0},
		{[]string{"run-as=processes"}, 1},
	} {
		res, _ := demotest.MustRun(t, d, 10, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		t.Logf("%v: %s: %s", c.knobs, demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
		if res.Observed && rev[0].Choice != c.want {
			t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}
