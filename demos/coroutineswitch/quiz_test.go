package coroutineswitch_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/coroutineswitch"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersReadTheRun(t *testing.T) {
	d := coroutineswitch.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	// 3 turns each at 100 ms a story-second: 600 ms one after another.
	for _, c := range []struct {
		suspended bool
		wall      float64
		choice    [2]int
	}{
		{true, 610, [2]int{1, 1}},
		{false, 300, [2]int{-1, 0}},
		{true, 1000, [2]int{1, -1}},
	} {
		m := coroutineswitch.Metrics{Times: 3, MaxActive: 1, Switches: 5, LeftSuspended: c.suspended, GoroutineWallMs: c.wall, ExpectedMs: 600}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
			t.Errorf("%+v: choices %d (%s), %d (%s), want %v", c, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := coroutineswitch.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 1)
		rev := demotest.Reveal(t, d, res)
		if rev[0].Choice != 1 || rev[1].Choice != 1 {
			t.Errorf("choices %d (%s), %d (%s), want 1, 1", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
		}
		t.Log(rev[0].Measured, "; ", rev[1].Measured)
	})
	res, _ := demotest.MustRun(t, d, 50)
	rev := demotest.Reveal(t, d, res)
	if rev[0].Choice != 1 || res.Observed && rev[1].Choice != 1 {
		t.Errorf("choices %d (%s), %d (%s), want 1, 1", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
	}
	t.Log(rev[0].Measured, "; ", rev[1].Measured)
}
