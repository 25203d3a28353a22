package demos

import (
	"fmt"
	"strings"
)

// Question is one predict-then-reveal question of a scenario (`--quiz`):
// pardemo asks it before the run, the student picks a choice, the run
// happens, and the answer is read from what the run measured — never
// written down in advance. A scenario declares one or two in
// Scenario.Quiz.
//
// A good question is one a student can get wrong: the naive guess is one
// of the choices ("0, like the code says"), and the answer depends on the
// run (a knob such as --lock changes it).
type Question[O, M any] struct {
	// Ask is the question, one line. AskFor, when set, words it from the
	// knobs instead ("How long will the 10 workers take?").
	Ask    string
	AskFor func(o *O) string
	// Choices are the answers offered, as a, b, c, …: 2 to 5 of them.
	// ChoicesFor, when set, words them from the knobs instead.
	Choices    []string
	ChoicesFor func(o *O) []string
	// Answer reads this run's knobs and metrics: the index of the choice
	// that came true, and the measured fact in a few words ("final count
	// −412,338"). An index of -1 means no choice came true in this run
	// (the lesson did not show the way the question expects); the reveal
	// says so, and the question is not scored.
	Answer func(o *O, m M) (choice int, measured string)
	// Why explains the answer in a sentence, shown with the reveal.
	Why string
}

// Asked is a question as worded for one run's knobs.
type Asked struct {
	Text    string   `json:"question"`
	Choices []string `json:"choices"`
	Why     string   `json:"why,omitempty"`
}

// Revealed is a question's answer, read from one run: the choice that came
// true (-1: none did) and what was measured.
type Revealed struct {
	Choice   int    `json:"-"`
	Measured string `json:"measured"`
}

// ChoiceKey is the letter a choice is offered under: 0 → "a".
func ChoiceKey(i int) string {
	if i < 0 || i >= 26 {
		return ""
	}
	return string(rune('a' + i))
}

// ChoiceIndex parses a choice letter ("b", "B") for n choices: its index,
// or an error that names the letters allowed.
func ChoiceIndex(s string, n int) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) == 1 && s[0] >= 'a' && int(s[0]-'a') < n {
		return int(s[0] - 'a'), nil
	}
	return -1, fmt.Errorf("answer %q: want one of %s", s, choiceLetters(n))
}

func choiceLetters(n int) string {
	var keys []string
	for i := range n {
		keys = append(keys, ChoiceKey(i))
	}
	return strings.Join(keys, ", ")
}

// MaxQuestions is how many questions a scenario may declare.
const MaxQuestions = 2

func askAll[O, M any](qs []Question[O, M], o *O) []Asked {
	var out []Asked
	for _, q := range qs {
		a := Asked{Text: q.Ask, Choices: q.Choices, Why: q.Why}
		if q.AskFor != nil {
			a.Text = q.AskFor(o)
		}
		if q.ChoicesFor != nil {
			a.Choices = q.ChoicesFor(o)
		}
		out = append(out, a)
	}
	return out
}

func revealAll[O, M any](qs []Question[O, M], o *O, m M) []Revealed {
	var out []Revealed
	for _, q := range qs {
		i, measured := q.Answer(o, m)
		n := len(q.Choices)
		if q.ChoicesFor != nil {
			n = len(q.ChoicesFor(o))
		}
		if i < -1 || i >= n {
			i = -1
			measured += " (the scenario named no valid choice)"
		}
		out = append(out, Revealed{Choice: i, Measured: measured})
	}
	return out
}

// validQuiz reports a malformed declaration for the knobs' defaults (used
// by a test over the registry).
func validQuiz[O, M any](qs []Question[O, M], o *O) error {
	if len(qs) > MaxQuestions {
		return fmt.Errorf("%d questions declared; at most %d", len(qs), MaxQuestions)
	}
	for i, a := range askAll(qs, o) {
		switch {
		case strings.TrimSpace(a.Text) == "":
			return fmt.Errorf("question %d has no text", i+1)
		case len(a.Choices) < 2 || len(a.Choices) > 5:
			return fmt.Errorf("question %d offers %d choices; want 2 to 5", i+1, len(a.Choices))
		case qs[i].Answer == nil:
			return fmt.Errorf("question %d has no Answer", i+1)
		}
		for j, c := range a.Choices {
			if strings.TrimSpace(c) == "" {
				return fmt.Errorf("question %d: choice %s is empty", i+1, ChoiceKey(j))
			}
		}
	}
	return nil
}
