package deadlock_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/deadlock"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := deadlock.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	demotest.CheckQuizWording(t, d, "ordered", "workers=8")
	cases := []struct {
		m    deadlock.Metrics
		want int
	}{
		{deadlock.Metrics{DeadlockDetected: true, DetectedBy: "graph", Workers: 2,
			Cycle: []string{"worker-1", "lock-B", "worker-2", "lock-A"}}, 1},
		{deadlock.Metrics{Completed: true, Workers: 2, Cycle: []string{}}, 0},
		{deadlock.Metrics{Ordered: true, Completed: true, Workers: 5, Cycle: []string{}}, 0},
		{deadlock.Metrics{DetectedBy: "watchdog", Workers: 2, Cycle: []string{}}, -1},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
}

// On the cookbook's pacing (a synctest bubble) the ring always
// deadlocks, and the ordered ring always finishes: --ordered changes the
// answer, read from the run.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := deadlock.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"workers=4"}, 1},
		{[]string{"ordered"}, 0},
		{[]string{"ordered", "workers=4"}, 0},
	} {
		synctest.Test(t, func(t *testing.T) {
			demotest.RunAnswers(t, d, 1, c.knobs, c.want)
		})
	}
}

// A real run at a high speed: the answer matches what the run saw.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := deadlock.New()
	res, _ := demotest.MustRun(t, d, 10)
	m := demotest.Metrics[deadlock.Metrics](t, res)
	rev := demotest.Reveal(t, d, res)
	t.Logf("%s: %s", demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
	want := 0
	if m.DeadlockDetected {
		want = 1
	}
	if rev[0].Choice != want {
		t.Errorf("choice %d (%s), want %d", rev[0].Choice, rev[0].Measured, want)
	}
}
