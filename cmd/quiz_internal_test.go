package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

type quizCoinOptions struct{ Edge bool }

// quizCoinMetrics is the fake quizzed scenario's metrics.
type quizCoinMetrics struct {
	Heads bool `json:"heads"` // the coin came up heads
	Edge  bool `json:"edge"`  // it landed on its edge
}

// quizCoin is a fake scenario with one question, answered from its
// metrics: heads on odd seeds, and on its edge (no choice true) with
// --edge.
func quizCoin() demos.Demo {
	d := demos.Scenario[quizCoinOptions, quizCoinMetrics]{Name: "qcoin", ID: "X2", Title: "a quizzed coin",
		Knobs: func(k *demos.Knobs, o *quizCoinOptions) { k.Bool(&o.Edge, "edge", "land on the edge") },
		Run: func(ctx context.Context, env *demos.Env, o *quizCoinOptions) (ev.Result, error) {
			m := quizCoinMetrics{Heads: env.Seed%2 == 1 && !o.Edge, Edge: o.Edge}
			return ev.Result{Verdict: "tossed", Observed: true, Metrics: m}, nil
		},
		Quiz: []demos.Question[quizCoinOptions, quizCoinMetrics]{{
			Ask:     "Heads or tails?",
			Choices: []string{"heads", "tails"},
			Answer: func(o *quizCoinOptions, m quizCoinMetrics) (int, string) {
				switch {
				case m.Edge:
					return -1, "on its edge"
				case m.Heads:
					return 0, "came up heads"
				}
				return 1, "came up tails"
			},
			Why: "the seed decides",
		}},
	}.Demo()
	d.Chapter, d.ChapterTitle = 1, "Coins"
	return d
}

// The framework grades recorded results: right, wrong, and not scored
// when no choice came true; the text and JSON views show the same.
func TestQuizGradesRecordedResults(t *testing.T) {
	d := quizCoin()
	for _, c := range []struct {
		m           quizCoinMetrics
		guess       int
		right, of   int
		text, jsonQ string
	}{
		{quizCoinMetrics{Heads: true}, 0, 1, 1, "✔ right: the seed decides",
			`"answer":"a","measured_answer":"a","measured":"came up heads","correct":true`},
		{quizCoinMetrics{Heads: true}, 1, 0, 1, "✘ wrong: the seed decides",
			`"answer":"b","measured_answer":"a","measured":"came up heads","correct":false`},
		{quizCoinMetrics{Edge: true}, 0, 0, 0, ui.NotScored + " (on its edge)",
			`"answer":"a","measured_answer":null,"measured":"on its edge","correct":null`},
	} {
		res := ev.Result{Verdict: "tossed", Observed: true, Metrics: c.m}
		res.Quiz = d.Bind().Grade(res, []int{c.guess})
		if right, of := res.Quiz.Score(); right != c.right || of != c.of {
			t.Errorf("%+v, guess %d: score %d of %d, want %d of %d", c.m, c.guess, right, of, c.right, c.of)
		}
		var text, js bytes.Buffer
		ui.NewText(&text, ui.NewTheme(false)).End(ev.Header{Demo: "qcoin"}, res, 0)
		ui.NewJSON(&js).End(ev.Header{Demo: "qcoin"}, res, 0)
		if !strings.Contains(text.String(), c.text) || !strings.Contains(text.String(), "  1. Heads or tails?\n     you said  "+ev.Letter(c.guess)+") ") {
			t.Errorf("text lacks %q:\n%s", c.text, text.String())
		}
		if !strings.Contains(js.String(), c.jsonQ) {
			t.Errorf("JSON lacks %s:\n%s", c.jsonQ, js.String())
		}
		var line struct {
			Quiz struct{ Score, Of int } `json:"quiz"`
		}
		if err := json.Unmarshal(js.Bytes(), &line); err != nil || line.Quiz.Score != c.right || line.Quiz.Of != c.of {
			t.Errorf("JSON score %+v (%v), want %d of %d", line.Quiz, err, c.right, c.of)
		}
	}
}

// End to end on the fake: --answer decides the score, --edge makes the
// question unscored, and a scenario without a quiz refuses --quiz.
func TestQuizOnAFakeScenario(t *testing.T) {
	reg := []demos.Demo{coin(), quizCoin()}
	out, errOut, code := runFake(t, reg, "qcoin", "--quiz", "--answer", "a", "--seed", "3")
	if code != 0 || !strings.Contains(out, "quiz: 1 of 1 right") || !strings.Contains(out, "your answer: a (--answer)") {
		t.Errorf("heads, guessed a: exit %d, stderr %q:\n%s", code, errOut, out)
	}
	out, _, code = runFake(t, reg, "qcoin", "--quiz", "--answer", "a", "--seed", "4")
	if code != 0 || !strings.Contains(out, "quiz: 0 of 1 right") {
		t.Errorf("tails, guessed a: exit %d:\n%s", code, out)
	}
	out, _, code = runFake(t, reg, "qcoin", "--quiz", "--answer", "b", "--edge")
	if code != 0 || !strings.Contains(out, "quiz: nothing scored this run") || !strings.Contains(out, ui.NotScored) {
		t.Errorf("edge: exit %d:\n%s", code, out)
	}
	_, errOut, code = runFake(t, reg, "coin", "--quiz")
	if code != ExitUsage || errOut != "pardemo: coin has no quiz yet (run it without --quiz)\n" {
		t.Errorf("coin --quiz: exit %d, stderr %q", code, errOut)
	}
}

// run-all --quiz asks the quizzed scenarios only, reads one stdin line per
// question in course order, and its summary carries the score.
func TestRunAllQuizOnFakes(t *testing.T) {
	reg := []demos.Demo{coin(), quizCoin()}
	streams, out, errOut := ui.Test()
	streams.In = strings.NewReader("b\n")
	a := newApp(context.Background(), streams, nil)
	a.reg = reg
	root := a.newRoot()
	root.SetArgs([]string{"--seed", "4", "run-all", "--quiz"})
	if code := a.exit(root.Execute()); code != 0 {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	s := out.String()
	if strings.Count(s, "quiz · ") != 1 || !strings.Contains(s, "quiz score: 1 of 1 right") || !strings.Contains(s, " 1/1 ") {
		t.Errorf("run-all --quiz:\n%s", s)
	}
	if strings.Index(s, "quiz · qcoin") < strings.Index(s, "2 of 2 · Chapter 1") {
		t.Errorf("the question came before its title card:\n%s", s)
	}
}
