package asyncloop_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncloop"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

// The answer is the count of callbacks that ran, whatever it was: one
// fewer on a machine too busy for the pace, none of the choices when the
// chain broke.
func TestQuizAnswerReadsTheCount(t *testing.T) {
	d := asyncloop.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		callbacks, choice int
	}{{8, 0}, {9, 1}, {10, 2}, {3, -1}, {11, -1}} {
		m := asyncloop.Metrics{Until: 9, End: 9, Callbacks: c.callbacks, StoppedAt: float64(c.callbacks - 1)}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice {
			t.Errorf("%d callbacks: choice %d (%s), want %d", c.callbacks, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
	// --until changes the count, and the choices with it.
	m := asyncloop.Metrics{Until: 3.5, End: 3.5, Callbacks: 4, StoppedAt: 3}
	if rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, "until=3.5"); rev[0].Choice != 1 {
		t.Errorf("until 3.5, 4 callbacks: choice %d (%s), want 1", rev[0].Choice, rev[0].Measured)
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := asyncloop.New()
	for _, knobs := range [][]string{nil, {"until=3.5"}} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, d, 5, knobs...)
			rev := demotest.Reveal(t, d, res, knobs...)
			if rev[0].Choice != 1 {
				t.Errorf("%v: choice %d (%s), want 1", knobs, rev[0].Choice, rev[0].Measured)
			}
			t.Logf("%v: %s", knobs, rev[0].Measured)
		})
	}
}
