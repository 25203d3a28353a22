package barrier_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"unicode/utf8"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := barrier.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	checkWording(t, d)
	checkWording(t, d, "no-barrier")
	cases := []struct {
		m    barrier.Metrics
		want int
	}{
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 0.01}, 1},
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 799.9}, 0},
		{barrier.Metrics{ArrivalGapMs: 2, BarrierSkewMs: 1.9}, -1}, // arrived too close to tell
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 300, ReleasedEarly: true}, -1},
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 8, Processes: true}, 1}, // a process's wake-up may lag more
		{barrier.Metrics{ArrivalGapMs: 800, BarrierSkewMs: 8}, -1},                 // neither together nor apart
	}
	for _, c := range cases {
		rev := demotest.Reveal(t, d, ev.Result{Metrics: c.m})
		if rev[0].Choice != c.want {
			t.Errorf("%+v: choice %d (%s), want %d", c.m, rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}

// On the cookbook's pacing (a synctest bubble): the barrier lines the
// two up; without it they stamp as far apart as their work ended.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := barrier.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"no-barrier"}, 0},
	} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, d, 1, c.knobs...)
			rev := demotest.Reveal(t, d, res, c.knobs...)
			if rev[0].Choice != c.want {
				t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.want)
			}
		})
	}
}

// A real run at a high speed: when the lesson showed, the answer is
// "together" with the barrier and "apart" without.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := barrier.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},
		{[]string{"no-barrier"}, 0},
		{[]string{"run-as=processes"}, 1},
	} {
		res, _ := demotest.MustRun(t, d, 10, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		t.Logf("%v: %s: %s", c.knobs, demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
		if res.Observed && rev[0].Choice != c.want {
			t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}

// checkWording holds the quiz to ≤ 2 lines at 80 columns and choices of
// ≤ 60 characters.
func checkWording(t *testing.T, d demos.Demo, knobs ...string) {
	t.Helper()
	for i, a := range demotest.Knobs(t, d, knobs...).Ask() {
		if n := wrappedLines(a.Text, 80); n > 2 {
			t.Errorf("question %d takes %d lines at 80 columns: %q", i+1, n, a.Text)
		}
		for _, c := range a.Choices {
			if n := utf8.RuneCountInString(c); n > 60 {
				t.Errorf("question %d: choice of %d characters: %q", i+1, n, c)
			}
		}
	}
}

// wrappedLines is how many lines s takes, wrapped at width by words.
func wrappedLines(s string, width int) int {
	n, col := 1, 0
	for _, w := range strings.Fields(s) {
		l := utf8.RuneCountInString(w)
		switch {
		case col == 0:
			col = l
		case col+1+l <= width:
			col += 1 + l
		default:
			n, col = n+1, l
		}
	}
	return n
}
