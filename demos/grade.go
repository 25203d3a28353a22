package demos

import "github.com/pardemo/pardemo/internal/ev"

// Grade is the reveal of a --quiz run: the questions as asked for these
// knobs, the guesses (answers[i] is the index guessed for question i) and
// the answers read from res, a result of a run with these knobs. Execute
// calls it, when Config.Answers is set, before the renderer's End, so that
// every view shows the same reveal and no scenario computes one.
func (b *Bound) Grade(res ev.Result, answers []int) *ev.Quiz {
	asked := b.Ask()
	rev := b.Reveal(res)
	q := &ev.Quiz{}
	for i, a := range asked {
		it := ev.QuizItem{Question: a.Text, Choices: a.Choices, Why: a.Why, Given: -1, Measured: -1,
			Fact: "the run reported no metrics to answer from"}
		if i < len(answers) {
			it.Given = answers[i]
		}
		if i < len(rev) {
			it.Measured, it.Fact = rev[i].Choice, rev[i].Measured
		}
		q.Items = append(q.Items, it)
	}
	return q
}
