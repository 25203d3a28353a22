package coroutinegenerator_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/coroutinegenerator"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswerReadsTheClock(t *testing.T) {
	d := coroutinegenerator.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	// 7 trays at 100 ms a story-second: 2,100 ms if nothing overlaps.
	for _, c := range []struct {
		wall   float64
		choice int
	}{{2110, 0}, {1400, 1}, {900, 2}, {3000, -1}, {1800, -1}} {
		m := coroutinegenerator.Metrics{Trays: 7, Buns: 8, WallMs: c.wall, ExpectedMs: 2100}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice {
			t.Errorf("wall %g ms: choice %d (%s), want %d", c.wall, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := coroutinegenerator.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 1)
		rev := demotest.Reveal(t, d, res)
		if rev[0].Choice != 0 {
			t.Errorf("choice %d (%s), want 0", rev[0].Choice, rev[0].Measured)
		}
		t.Log(rev[0].Measured)
	})
	res, _ := demotest.MustRun(t, d, 50, "trays=3")
	rev := demotest.Reveal(t, d, res, "trays=3")
	if res.Observed && rev[0].Choice != 0 {
		t.Errorf("lesson shown, yet choice %d (%s)", rev[0].Choice, rev[0].Measured)
	}
	t.Log(rev[0].Measured)
}
