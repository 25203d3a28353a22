package semaphoresignal_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphoresignal"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := semaphoresignal.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	checkWording(t, d)
	const refused = "semaphore released too many times"
	cases := []struct {
		m    semaphoresignal.Metrics
		want [2]int
	}{
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 10.02, PlainExtraValue: 2, BoundedError: refused}, [2]int{1, 1}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 14, PlainExtraValue: 1, BoundedError: refused}, [2]int{1, 0}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 0.01, PlainExtraValue: 2}, [2]int{2, 2}},
		{semaphoresignal.Metrics{Rounds: 5, InOrder: true, MeanWaitStory: 5, PlainExtraValue: 1}, [2]int{-1, -1}},
		{semaphoresignal.Metrics{Rounds: 5, MeanWaitStory: 10, PlainExtraValue: 3, BoundedError: refused}, [2]int{-1, -1}},
	}
	for _, c := range cases {
		rev := demotest.Reveal(t, d, ev.Result{Metrics: c.m})
		if got := [2]int{rev[0].Choice, rev[1].Choice}; got != c.want {
			t.Errorf("%+v: choices %v (%s | %s), want %v", c.m, got, rev[0].Measured, rev[1].Measured, c.want)
		}
	}
}

// A real run: Acquire waits for each Release; only the bounded semaphore
// refuses the release too many.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := semaphoresignal.New()
	res, _ := demotest.MustRun(t, d, 1000, "items=2")
	rev := demotest.Reveal(t, d, res, "items=2")
	if rev[0].Choice != 1 || rev[1].Choice != 1 {
		t.Errorf("choices %d (%s), %d (%s); want 1, 1", rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured)
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
