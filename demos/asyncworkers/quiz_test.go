package asyncworkers_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/asyncworkers"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersReadTheRun(t *testing.T) {
	d := asyncworkers.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		wall      float64
		cancelled []string
		inGet     int
		choice    [2]int
	}{
		{3.6, []string{"worker-0", "worker-1", "worker-2"}, 3, [2]int{0, 1}},
		{10.5, []string{"worker-0", "worker-1", "worker-2"}, 2, [2]int{1, -1}},
		{1.1, nil, 0, [2]int{2, -1}},
		{6, []string{"worker-0"}, 1, [2]int{-1, -1}},
	} {
		m := asyncworkers.Metrics{Items: 20, Workers: 3, TotalSleep: 10.5, Schedule: 3.5, WallStory: c.wall, Cancelled: c.cancelled, CancelledInGet: c.inGet, Tolerance: 0.3}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
			t.Errorf("%+v: choices %d (%s), %d (%s), want %v", c, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := asyncworkers.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 100)
		rev := demotest.Reveal(t, d, res)
		if rev[0].Choice != 0 || rev[1].Choice != 1 {
			t.Errorf("choices %d (%s), %d (%s), want 0, 1", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
		}
		t.Log(rev[0].Measured, "; ", rev[1].Measured)
	})
	res, _ := demotest.MustRun(t, d, 20)
	rev := demotest.Reveal(t, d, res)
	if res.Observed && (rev[0].Choice != 0 || rev[1].Choice != 1) {
		t.Errorf("lesson shown, yet choices %d (%s), %d (%s)", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
	}
	t.Log(rev[0].Measured, "; ", rev[1].Measured)
}
