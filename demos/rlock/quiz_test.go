package rlock_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/rlock"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := rlock.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	cases := []struct {
		m    rlock.Metrics
		want [2]int
	}{
		{rlock.Metrics{Ops: 5, DeadlockDetected: true, Deadlocked: "adder", StuckMs: 100, MaxHoldCount: 2}, [2]int{1, 1}},
		{rlock.Metrics{Ops: 5, MaxHoldCount: 1}, [2]int{-1, 0}},
		{rlock.Metrics{Ops: 5, DeadlockDetected: true, Deadlocked: "remover", MaxHoldCount: 10}, [2]int{1, 2}},
		{rlock.Metrics{}, [2]int{-1, -1}},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want[:]...)
	}
}

// A real run: the sync.Mutex box always deadlocks on itself, and the
// re-entrant lock's count goes to 2.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := rlock.New()
	res, _ := demotest.MustRun(t, d, 100, "patience=2")
	rev := demotest.Reveal(t, d, res, "patience=2")
	for i, r := range rev {
		t.Logf("%d %s: %s", i+1, demos.ChoiceKey(r.Choice), r.Measured)
		if r.Choice != 1 {
			t.Errorf("question %d: choice %d (%s), want 1", i+1, r.Choice, r.Measured)
		}
	}
}
