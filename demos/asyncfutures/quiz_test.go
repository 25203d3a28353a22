package asyncfutures_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncfutures"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersReadTheRun(t *testing.T) {
	d := asyncfutures.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		order  []string
		times  []float64
		total  float64
		held   float64
		choice [2]int
	}{
		{[]string{"future2", "future1"}, []float64{2, 3}, 3.01, 0, [2]int{1, 0}},
		{[]string{"future1", "future2"}, []float64{3, 4.2}, 4.2, 2.2, [2]int{0, 2}},
		{[]string{"future2", "future1"}, []float64{2, 2}, 5, 0, [2]int{2, 1}},
		{[]string{"future2"}, []float64{2}, 4, 0, [2]int{-1, -1}},
	} {
		m := asyncfutures.Metrics{N: 10, CallbackOrder: c.order, CallbackTimes: c.times, TotalStory: c.total, ProductHeld: c.held, Tolerance: 0.3}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
			t.Errorf("%v at %v, total %g: choices %d (%s), %d (%s), want %v", c.order, c.times, c.total,
				rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := asyncfutures.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 100)
		rev := demotest.Reveal(t, d, res)
		if rev[0].Choice != 1 || rev[1].Choice != 0 {
			t.Errorf("choices %d (%s), %d (%s), want 1, 0", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
		}
		t.Log(rev[0].Measured, "; ", rev[1].Measured)
	})
	res, _ := demotest.MustRun(t, d, 20)
	rev := demotest.Reveal(t, d, res)
	if res.Observed && (rev[0].Choice != 1 || rev[1].Choice != 0) {
		t.Errorf("lesson shown, yet choices %d (%s), %d (%s)", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
	}
	t.Log(rev[0].Measured, "; ", rev[1].Measured)
}
