package asynctasks_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asynctasks"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswerReadsTheClock(t *testing.T) {
	d := asynctasks.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		total  float64
		choice int
	}{{10.02, 0}, {19, 1}, {14, -1}} {
		m := asynctasks.Metrics{N: 10, FactorialSteps: 9, FibonacciSteps: 10, TotalStory: c.total, SerialStory: 19, Tolerance: 0.5}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice {
			t.Errorf("total %g: choice %d (%s), want %d", c.total, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := asynctasks.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 100, "n=4")
		rev := demotest.Reveal(t, d, res, "n=4")
		if rev[0].Choice != 0 {
			t.Errorf("choice %d (%s), want 0", rev[0].Choice, rev[0].Measured)
		}
		t.Log(rev[0].Measured)
	})
	// Real time too, at a pace a loaded machine keeps.
	res, _ := demotest.MustRun(t, d, 20, "n=4")
	rev := demotest.Reveal(t, d, res, "n=4")
	if res.Observed && rev[0].Choice != 0 {
		t.Errorf("lesson shown, yet choice %d (%s)", rev[0].Choice, rev[0].Measured)
	}
	t.Log(rev[0].Measured)
}
