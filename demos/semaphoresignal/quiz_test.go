package semaphoresignal_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphoresignal"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := semaphoresignal.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	const refused = "semaphore released too many times"
	cases := []struct {
		m    semaphoresignal.Metrics
		want [2]int
	}{
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 10.02, PlainExtraValue: 2, BoundedError: refused}, [2]int{1, 1}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 14, PlainExtraValue: 1, BoundedError: refused}, [2]int{1, 0}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 0.01, PlainExtraValue: 2}, [2]int{2, 2}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 5, PlainExtraValue: 1}, [2]int{-1, -1}},
		{semaphoresignal.Metrics{Rounds: 5, MeanWaitStory: 10, PlainExtraValue: 3, BoundedError: refused}, [2]int{-1, -1}},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want[:]...)
	}
}

// A real run: Acquire waits for each Release; only the bounded semaphore
// refuses the release too many.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := semaphoresignal.New()
	res, _ := demotest.MustRun(t, d, 1000, "items=2")
	rev := demotest.Reveal(t, d, res, "items=2")
	if rev[0].Choice != 1 || rev[1].Choice != 1 {
		t.Errorf("choices %d (%s), %d (%s); want 1, 1", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
	}
}
