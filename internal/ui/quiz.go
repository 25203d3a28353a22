package ui

import (
	"fmt"

	"github.com/pardemo/pardemo/internal/ev"
)

// The reveal of a --quiz run: in the text view a short block after the
// verdict, in JSON the result line's quiz field (docs/json.md).

// NotScored is what the reveal says of a question no choice of which came
// true in this run.
const NotScored = "no choice came true in this run — the lesson did not show; not scored"

// QuizScore is the score line: "quiz: 1 of 2 right".
func QuizScore(q *ev.Quiz) string {
	right, of := q.Score()
	s := fmt.Sprintf("quiz: %d of %d right", right, of)
	if of == 0 {
		s = "quiz: nothing scored this run"
	}
	if n := len(q.Items) - of; n > 0 && of > 0 {
		s += fmt.Sprintf(" (%d not scored)", n)
	}
	return s
}

// quiz prints the reveal block, wrapped to the screen.
func (t *Text) quiz(q *ev.Quiz) {
	fmt.Fprintf(t.w, "\n%s\n", t.th.Bold.Sprint(QuizScore(q)))
	for i, it := range q.Items {
		t.para(fmt.Sprintf("  %d. ", i+1), it.Question, nil)
		t.para("     you said  ", choiceText(it.Choices, it.Given), nil)
		if it.Scored() {
			t.para("     measured  ", choiceText(it.Choices, it.Measured)+" — "+it.Fact, nil)
		} else {
			t.para("     measured  ", NotScored+" ("+it.Fact+")", t.th.Warn)
		}
		why := it.Why
		switch {
		case !it.Scored():
			t.para("     ", why, nil)
		case it.Correct():
			t.para("     ✔ right: ", why, t.th.Good)
		default:
			t.para("     ✘ wrong: ", why, t.th.Bad)
		}
	}
}

func choiceText(choices []string, i int) string {
	if i < 0 || i >= len(choices) {
		return "(none)"
	}
	return ev.Letter(i) + ") " + choices[i]
}

// QuizJSON is the result line's quiz field: each question with the letter
// guessed and the one measured, and the score.
type QuizJSON struct {
	Questions []QuizItemJSON `json:"questions"`
	Score     int            `json:"score"`
	Of        int            `json:"of"`
}

// QuizItemJSON is one question of QuizJSON. MeasuredAnswer and Correct are
// null when no choice came true in the run (the question is not scored).
type QuizItemJSON struct {
	Question       string   `json:"question"`
	Choices        []string `json:"choices"`
	Answer         string   `json:"answer"`
	MeasuredAnswer *string  `json:"measured_answer"`
	Measured       string   `json:"measured"`
	Correct        *bool    `json:"correct"`
	Why            string   `json:"why"`
}

// quizJSON is q as the result line carries it (nil: no quiz).
func quizJSON(q *ev.Quiz) *QuizJSON {
	if q == nil {
		return nil
	}
	out := &QuizJSON{Questions: []QuizItemJSON{}}
	out.Score, out.Of = q.Score()
	for _, it := range q.Items {
		j := QuizItemJSON{Question: it.Question, Choices: it.Choices, Answer: ev.Letter(it.Given), Measured: it.Fact, Why: it.Why}
		if j.Choices == nil {
			j.Choices = []string{}
		}
		if it.Scored() {
			m, ok := ev.Letter(it.Measured), it.Correct()
			j.MeasuredAnswer, j.Correct = &m, &ok
		}
		out.Questions = append(out.Questions, j)
	}
	return out
}

// SummaryQuiz is run-all's quiz score over rows: right of scored, and how
// many questions were asked; ok is false when no row was a quiz.
func SummaryQuiz(rows []SummaryRow) (right, of, asked int, ok bool) {
	for _, r := range rows {
		if r.Quiz == nil {
			continue
		}
		ok = true
		rr, ro := r.Quiz.Score()
		right, of, asked = right+rr, of+ro, asked+len(r.Quiz.Items)
	}
	return right, of, asked, ok
}

// summaryQuizLine is the summary's score line.
func summaryQuizLine(rows []SummaryRow) (string, bool) {
	right, of, asked, ok := SummaryQuiz(rows)
	if !ok {
		return "", false
	}
	s := fmt.Sprintf("quiz score: %d of %d right", right, of)
	if n := asked - of; n > 0 {
		s += fmt.Sprintf(" · %d not scored (the lesson did not show)", n)
	}
	return s, true
}

// rowQuiz is a summary row's quiz cell: "1/2", "–" (nothing scored).
func rowQuiz(r SummaryRow) string {
	if r.Quiz == nil {
		return ""
	}
	right, of := r.Quiz.Score()
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d", right, of)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
