package coroutinecooperative_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/coroutinecooperative"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersReadTheRun(t *testing.T) {
	d := coroutinecooperative.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	// 4 tasks at 100 ms a story-second: the longest (eat) sleeps 6 s,
	// all four 22 s; Bruce's blocking sleeps come to 5 s.
	good := func() coroutinecooperative.Metrics {
		return coroutinecooperative.Metrics{Tasks: 4, Blocking: 1, ToleranceMs: 50, ExpectedCoopMs: 600, BlockerHeldMs: 200,
			StalledMinDelayMs: 200, BlockingWallMs: 1100, ExpectedBlockingMs: 1100, GoroutineWallMs: 605}
	}
	for _, c := range []struct {
		name   string
		change func(*coroutinecooperative.Metrics)
		choice [2]int
	}{
		{"as shown", func(*coroutinecooperative.Metrics) {}, [2]int{1, 0}},
		{"nobody stalled", func(m *coroutinecooperative.Metrics) { m.StalledMinDelayMs = 10 }, [2]int{0, 0}},
		{"some stalled", func(m *coroutinecooperative.Metrics) { m.StalledMinDelayMs = 100 }, [2]int{-1, 0}},
		{"no blocker", func(m *coroutinecooperative.Metrics) { m.Blocking, m.BlockerHeldMs, m.StalledMinDelayMs = 0, 0, 0 }, [2]int{-1, 0}},
		{"too short", func(m *coroutinecooperative.Metrics) { m.BlockerHeldMs = 120 }, [2]int{-1, 0}},
		{"goroutines in turn", func(m *coroutinecooperative.Metrics) { m.GoroutineWallMs = 2200 }, [2]int{1, 1}},
		{"goroutines late", func(m *coroutinecooperative.Metrics) { m.GoroutineWallMs = 1000 }, [2]int{1, -1}},
	} {
		m := good()
		c.change(&m)
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
			t.Errorf("%s: choices %d (%s), %d (%s), want %v", c.name, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := coroutinecooperative.New()
	for _, c := range []struct {
		knobs  []string
		choice [2]int
	}{{nil, [2]int{1, 0}}, {[]string{"blocking=0"}, [2]int{-1, 0}}, {[]string{"tasks=2", "blocking=2"}, [2]int{1, 0}}} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, d, 1, c.knobs...)
			rev := demotest.Reveal(t, d, res, c.knobs...)
			if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
				t.Errorf("%v: choices %d (%s), %d (%s), want %v", c.knobs, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
			}
			t.Log(c.knobs, rev[0].Measured, "; ", rev[1].Measured)
		})
	}
	res, _ := demotest.MustRun(t, d, 20)
	rev := demotest.Reveal(t, d, res)
	if res.Observed && (rev[0].Choice != 1 || rev[1].Choice != 0) {
		t.Errorf("lesson shown, yet choices %d (%s), %d (%s)", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
	}
	t.Log(rev[0].Measured, "; ", rev[1].Measured)
}
