package ui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/internal/ev"
)

func quizOf(measured ...int) *ev.Quiz {
	q := &ev.Quiz{}
	for i, m := range measured {
		q.Items = append(q.Items, ev.QuizItem{Question: fmt.Sprintf("question %d?", i+1), Choices: []string{"yes", "no"},
			Given: 0, Measured: m, Fact: "measured", Why: "because"})
	}
	return q
}

func TestQuizScoreLine(t *testing.T) {
	for _, c := range []struct {
		q    *ev.Quiz
		want string
	}{
		{quizOf(0), "quiz: 1 of 1 right"},
		{quizOf(1, 0), "quiz: 1 of 2 right"},
		{quizOf(-1, 1), "quiz: 0 of 1 right (1 not scored)"},
		{quizOf(-1), "quiz: nothing scored this run"},
	} {
		if got := QuizScore(c.q); got != c.want {
			t.Errorf("%+v: %q, want %q", c.q.Items, got, c.want)
		}
	}
}

// run-all --quiz's summary fits one 80×40 screen, the whole course as
// well as a few scenarios, with its quiz column and score line.
func TestQuizSummaryFitsOneScreen(t *testing.T) {
	for _, n := range []int{2, 30, 44} {
		var rows []SummaryRow
		for i := range n {
			r := SummaryRow{Demo: fmt.Sprintf("scenario %d", i+1), Chapter: 1 + i/6, Wall: 1500 * time.Millisecond,
				Verdict: strings.Repeat("a long verdict ", 8), Observed: i%5 != 0, Quiz: quizOf(i%3-1, 0)}
			rows = append(rows, r)
		}
		var out bytes.Buffer
		NewText(&out, NewTheme(false)).Summary(rows)
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) > SummaryRows {
			t.Errorf("%d scenarios: %d lines, at most %d:\n%s", n, len(lines), SummaryRows, out.String())
		}
		for _, l := range lines {
			if utf8.RuneCountInString(l) > DefaultWidth {
				t.Errorf("%d scenarios: a line of %d columns: %q", n, utf8.RuneCountInString(l), l)
			}
		}
		right, of, _, _ := SummaryQuiz(rows)
		if want := fmt.Sprintf("quiz score: %d of %d right", right, of); !strings.Contains(out.String(), want) {
			t.Errorf("%d scenarios: no %q:\n%s", n, want, out.String())
		}
	}
}
