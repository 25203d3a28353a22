package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ui"
)

// checkQuizField checks a result line's quiz field, when there is one
// (docs/json.md): every question with its choices, the letter given, the
// measured letter (null: not scored) and correct (null likewise), and a
// score that counts them.
func checkQuizField(l line) error {
	raw, ok := l["quiz"]
	if !ok {
		return nil
	}
	var q line
	if err := json.Unmarshal(raw, &q); err != nil {
		return err
	}
	if err := shape(q, map[string]string{"questions": "array", "score": "int", "of": "int"}, nil); err != nil {
		return err
	}
	var qs []line
	if err := json.Unmarshal(q["questions"], &qs); err != nil {
		return err
	}
	right, of := 0, 0
	for _, x := range qs {
		if err := shape(x, map[string]string{"question": "nonempty", "choices": "array", "answer": "nonempty",
			"measured_answer": "any", "measured": "nonempty", "correct": "any", "why": "string"}, nil); err != nil {
			return err
		}
		var measured *string
		var correct *bool
		if err := json.Unmarshal(x["measured_answer"], &measured); err != nil {
			return fmt.Errorf("measured_answer: %v", err)
		}
		if err := json.Unmarshal(x["correct"], &correct); err != nil {
			return fmt.Errorf("correct: %v", err)
		}
		if (measured == nil) != (correct == nil) {
			return fmt.Errorf("measured_answer and correct: one is null, the other not: %s", show(x))
		}
		if measured != nil {
			of++
			if *correct != (*measured == x.str("answer")) {
				return fmt.Errorf("correct is %v for answer %q, measured %q", *correct, x.str("answer"), *measured)
			}
			if *correct {
				right++
			}
		}
	}
	var score, outOf int
	_ = json.Unmarshal(q["score"], &score)
	_ = json.Unmarshal(q["of"], &outOf)
	if score != right || outOf != of {
		return fmt.Errorf("quiz score %d of %d, but the questions say %d of %d", score, outOf, right, of)
	}
	return nil
}

// run is one pardemo command line with stdin in, not a terminal.
func run(t *testing.T, in string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	s, out, errOut := ui.Test()
	s.In = strings.NewReader(in)
	code = cmd.Run(context.Background(), args, s, repoFS)
	return code, out.String(), errOut.String()
}

// Bad --answer values, and the quiz flags where they do not apply: a
// usage error, exit 2, one line on stderr, nothing run.
func TestQuizUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"race", "--quiz", "--answer", "a,b"}, `--answer "a,b": 1 question(s) asked`},
		{[]string{"race", "--quiz", "--answer", "z"}, `--answer, question 1: answer "z": want one of a, b, c`},
		{[]string{"race", "--quiz", "--answer", ""}, `--answer "": 1 question(s) asked`},
		{[]string{"race", "--quiz", "--answer", "ab"}, `want one of a, b, c`},
		{[]string{"race", "--answer", "a"}, "--answer is for --quiz"},
		{[]string{"race", "--quiz", "--trials", "3", "--answer", "a"}, "--quiz asks about one run"},
		{[]string{"gil", "--quiz", "--workers", "1,2", "--answer", "a,a"}, "--quiz asks about one run; a sweep (--workers 1,2)"},
		{[]string{"verify", "--quiz", "race"}, "--quiz does not apply to 'pardemo verify'"},
		{[]string{"verify", "race", "--answer", "a"}, "--answer does not apply to 'pardemo verify'"},
		{[]string{"run-all", "--quiz", "--answer", "a"}, "--answer does not apply to 'pardemo run-all'"},
		{[]string{"list", "--quiz"}, "--quiz does not apply to 'pardemo list'"},
		{[]string{"--json", "race", "--quiz", "--answer", "d"}, `want one of a, b, c`},
	} {
		code, out, errOut := run(t, "", c.args...)
		if code != cmd.ExitUsage || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and one line with %q", c.args, code, errOut, c.want)
		}
		if strings.Contains(out, "━━") {
			t.Errorf("%q: the scenario ran: %s", c.args, out)
		}
	}
}

// Answers from stdin lines (stdin is not a terminal): asked, run, revealed
// and scored; a wrong guess exits 0. Too few lines, or a bad one, is a
// usage error that names --answer or the letters.
func TestQuizAnswersFromStdin(t *testing.T) {
	args := []string{"--speed", "1000", "race", "--quiz", "--lock", "--count", "1000"}
	code, out, errOut := run(t, "a\n", args...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"quiz · race · 1 question", "       a) exactly 0, as the code says", "your answer: a\n",
		"\nquiz: 1 of 1 right\n", "     measured  a) exactly 0, as the code says — ended at 0", "     ✔ right: "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "your answer") > strings.Index(out, "━━ race") {
		t.Errorf("asked after the run started:\n%s", out)
	}
	code, out, _ = run(t, "C\n", args...)
	if code != 0 || !strings.Contains(out, "quiz: 0 of 1 right") || !strings.Contains(out, "✘ wrong: ") {
		t.Errorf("wrong guess: exit %d\n%s", code, out)
	}
	code, _, errOut = run(t, "", args...)
	if code != cmd.ExitUsage || !strings.Contains(errOut, "stdin ended before the answer to question 1 of 1") || !strings.Contains(errOut, "--answer") {
		t.Errorf("no stdin: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, "maybe\n", args...)
	if code != cmd.ExitUsage || !strings.Contains(errOut, `answer "maybe": want one of a, b, c (from stdin)`) {
		t.Errorf("bad line: exit %d, stderr %q", code, errOut)
	}
	// --json: the questions go to stderr, stdout stays JSON lines.
	code, out, errOut = run(t, "a\n", append([]string{"--json"}, args...)...)
	lines, err := parseLines([]byte(out))
	if code != 0 || err != nil || !strings.Contains(errOut, "quiz · race") {
		t.Fatalf("--json: exit %d, %v, stderr %q", code, err, errOut)
	}
	if err := checkResult(lines[len(lines)-1], "race"); err != nil || lines[len(lines)-1]["quiz"] == nil {
		t.Errorf("--json result: %v", err)
	}
}

// On a terminal a wrong key asks again, and the end of input is a usage
// error. (Streams that claim a terminal but are no *os.File read lines;
// the raw-mode key path is the pty test's.)
func TestQuizOnATerminalAsksAgain(t *testing.T) {
	s, out, errOut := ui.Test()
	s.InTTY = true
	s.In = strings.NewReader("x\n\nb\n")
	code := cmd.Run(context.Background(), []string{"--speed", "1000", "race", "--quiz", "--lock", "--count", "1000"}, s, repoFS)
	if code != 0 || strings.Count(out.String(), "your answer (a–c): ") != 3 || !strings.Contains(out.String(), "you said  b) ") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	s, _, errOut = ui.Test()
	s.InTTY = true
	s.In = strings.NewReader("x\n")
	code = cmd.Run(context.Background(), []string{"race", "--quiz"}, s, repoFS)
	if code != cmd.ExitUsage || !strings.Contains(errOut.String(), "no answer to question 1 (stdin closed)") {
		t.Errorf("EOF: exit %d, stderr %q", code, errOut)
	}
}

// quizDeadline is when TestQuizDeclared stops skipping the scenarios whose
// authors are still writing their questions (session 18) and fails.
var quizDeadline = time.Date(2026, 12, 2, 3, 15, 0, 0, time.UTC)

// Every scenario declares one or two questions, well formed.
func TestQuizDeclared(t *testing.T) {
	var missing []string
	for _, d := range cmd.Registry() {
		if err := d.CheckQuiz(); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		switch {
		case d.Questions == 0:
			missing = append(missing, d.Name)
		case d.Questions > demos.MaxQuestions:
			t.Errorf("%s declares %d questions; at most %d", d.Name, d.Questions, demos.MaxQuestions)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("%d scenario(s) declare no quiz question: %s", len(missing), strings.Join(missing, ", "))
	if time.Now().Before(quizDeadline) {
		t.Skip(msg + " (a failure from 03:15 UTC)")
	}
	t.Error(msg)
}

// Every question, worded for the default knobs, fits the screen: the
// question in at most two lines of 80 columns as pardemo prints it, each
// choice on one line (60 characters at most).
func TestQuizFits80Columns(t *testing.T) {
	const cols = 80
	for _, d := range cmd.Registry() {
		for i, q := range d.Bind().Ask() {
			if lines := ui.Wrap(q.Text, cols-len("  1. "), cols-len("     ")); len(lines) > 2 {
				t.Errorf("%s, question %d takes %d lines at %d columns: %q", d.Name, i+1, len(lines), cols, q.Text)
			}
			for j, c := range q.Choices {
				if n := utf8.RuneCountInString(c); n > 60 {
					t.Errorf("%s, question %d, choice %c: %d characters, at most 60: %q", d.Name, i+1, 'a'+j, n, c)
				}
			}
			if strings.TrimSpace(q.Why) == "" {
				t.Errorf("%s, question %d explains nothing (Why)", d.Name, i+1)
			}
		}
	}
}
