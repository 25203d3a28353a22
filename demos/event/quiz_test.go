package event_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/event"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := event.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	demotest.CheckQuizWording(t, d, "items=30", "work=10")
	cases := []struct {
		m    event.Metrics
		want int
	}{
		{event.Metrics{Items: 10, Produced: 10, Pulses: 10, Consumed: 10, CaughtPulses: 10}, 0},
		{event.Metrics{Items: 10, Produced: 10, Pulses: 10, Consumed: 5, CaughtPulses: 5, MissedPulses: 5, LeftOver: 5}, 1},
		{event.Metrics{Items: 10, Produced: 10, Pulses: 10, MissedPulses: 10, LeftOver: 10}, 2},
		{event.Metrics{Items: 10}, -1},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
}

// On the cookbook's pacing (a synctest bubble): a consumer busy for 3
// story-seconds misses every other pulse; one busy for 1 catches all.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := event.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"work=1"}, 0},
	} {
		synctest.Test(t, func(t *testing.T) {
			demotest.RunAnswers(t, d, 1, c.knobs, c.want)
		})
	}
}

// A real run at a high speed: when the lesson showed (pulses missed), the
// answer is "some", never "all".
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := event.New()
	res, _ := demotest.MustRun(t, d, 200)
	rev := demotest.Reveal(t, d, res)
	t.Logf("%s: %s", demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
	if res.Observed && rev[0].Choice != 1 {
		t.Errorf("pulses missed, yet choice %d (%s)", rev[0].Choice, rev[0].Measured)
	}
}
