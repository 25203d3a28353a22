package rlock_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/rlock"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := rlock.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	checkWording(t, d)
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
		rev := demotest.Reveal(t, d, ev.Result{Metrics: c.m})
		if got := [2]int{rev[0].Choice, rev[1].Choice}; got != c.want {
			t.Errorf("%+v: choices %v (%s | %s), want %v", c.m, got, rev[0].Measured, rev[1].Measured, c.want)
		}
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
