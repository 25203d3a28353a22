package condition_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/condition"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := condition.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	demotest.CheckQuizWording(t, d, "items=50", "capacity=50", "consumers=8")
	cases := []struct {
		m    condition.Metrics
		want [2]int
	}{
		{condition.Metrics{Items: 20, Capacity: 10, MaxLen: 10, ProducerWaits: 1}, [2]int{1, 0}},
		{condition.Metrics{Items: 20, Capacity: 10, MaxLen: 4, ConsumerWaits: 6, Rewaits: 3}, [2]int{0, 1}},
		{condition.Metrics{Items: 20, Capacity: 10, MaxLen: 11}, [2]int{2, 0}},
		{condition.Metrics{Items: 20, Capacity: 10, MaxLen: 10}, [2]int{0, 0}}, // full, but never when the producer came
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want[:]...)
	}
}

// On the cookbook's pacing (a synctest bubble) the answers follow the
// knobs: the default list fills and the producer waits; a big one never
// fills; four consumers compete and some wake to an empty list.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := condition.New()
	for _, c := range []struct {
		knobs []string
		want  [2]int
	}{
		{nil, [2]int{1, 0}},
		{[]string{"capacity=30"}, [2]int{0, 0}},
		{[]string{"consumers=4"}, [2]int{0, 1}},
	} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, d, 1, c.knobs...)
			rev := demotest.Reveal(t, d, res, c.knobs...)
			if got := [2]int{rev[0].Choice, rev[1].Choice}; got != c.want {
				t.Errorf("%v: choices %v (%s | %s), want %v", c.knobs, got, rev[0].Measured, rev[1].Measured, c.want)
			}
		})
	}
}

// A real run at a high speed: the list never grows past its capacity,
// and the answers agree with what the run counted.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := condition.New()
	res, _ := demotest.MustRun(t, d, 200)
	m := demotest.Metrics[condition.Metrics](t, res)
	rev := demotest.Reveal(t, d, res)
	for i, r := range rev {
		t.Logf("%d %s: %s", i+1, demos.ChoiceKey(r.Choice), r.Measured)
	}
	if rev[0].Choice == 2 || (m.ProducerWaits > 0) != (rev[0].Choice == 1) || (m.Rewaits > 0) != (rev[1].Choice == 1) {
		t.Errorf("choices %d (%s), %d (%s) for %+v", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, m)
	}
}
