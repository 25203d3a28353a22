package ev

// Quiz is how a run answered the questions asked before it (`--quiz`):
// one QuizItem per question, in order. The framework fills it (never a
// scenario), from the scenario's declared questions and the run's metrics.
type Quiz struct {
	Items []QuizItem
}

// QuizItem is one question, the guess and the answer the run measured.
type QuizItem struct {
	Question string
	Choices  []string
	Why      string // the explanation shown with the reveal
	Given    int    // the index of the choice guessed
	Measured int    // the index of the choice that came true; -1: none did
	Fact     string // what was measured, in a few words
}

// Scored reports whether the question counts: a run where no choice came
// true (the lesson did not show) scores nothing either way.
func (q QuizItem) Scored() bool { return q.Measured >= 0 && q.Measured < len(q.Choices) }

// Correct reports whether the guess was the choice that came true.
func (q QuizItem) Correct() bool { return q.Scored() && q.Given == q.Measured }

// Score is the number of right guesses and of scored questions.
func (q *Quiz) Score() (right, of int) {
	if q == nil {
		return 0, 0
	}
	for _, it := range q.Items {
		if it.Scored() {
			of++
			if it.Correct() {
				right++
			}
		}
	}
	return right, of
}

// Letter is the key a choice is offered under: 0 → "a" (empty outside
// a–z).
func Letter(i int) string {
	if i < 0 || i >= 26 {
		return ""
	}
	return string(rune('a' + i))
}
