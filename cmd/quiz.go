package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Predict, then reveal (`--quiz`, issue 15): before the run pardemo asks
// the scenario's questions and takes one letter per question — typed on a
// terminal, one line each from a stdin that is not one, or all at once
// from --answer. The run then happens as always, and the framework
// (demos.Execute, with Config.Answers) fills the result's reveal, which
// the text view prints after the verdict and JSON carries in the result
// line's quiz field. A wrong guess is no error: the exit code is the run's.

// quizWanted checks the quiz flags of a scenario run: whether to quiz, or
// the usage error the combination is. trials is the generic --trials (nil
// when the scenario has none).
func (a *app) quizWanted(c *cobra.Command, d demos.Demo, knobs *demos.Bound, trials *int) (bool, error) {
	answered := c.Flags().Changed("answer")
	if !a.quiz {
		if answered {
			return false, usagef("--answer is for --quiz: add --quiz (the answers are the guesses it asks for)")
		}
		return false, nil
	}
	if d.Questions == 0 {
		return false, usagef("%s has no quiz yet (run it without --quiz)", d.Name)
	}
	many := trials != nil && *trials > 1
	for _, p := range knobs.Given() {
		if p.Name == "trials" && p.Value != "1" {
			many = true
		}
	}
	if many {
		return false, usagef("--quiz asks about one run; drop --trials (or run it without --quiz)")
	}
	return true, nil
}

// runQuiz is `pardemo NAME --quiz`: ask (answered: --answer was given),
// run with the answers, reveal.
func (a *app) runQuiz(d demos.Demo, knobs *demos.Bound, answered bool) error {
	answers, err := a.askQuiz(d, knobs, newKeyReader(a.io.In), answered)
	if err != nil {
		return err
	}
	cfg := a.configFor(d, knobs)
	cfg.Answers = answers
	_, _, err = demos.Execute(a.ctx, d, cfg, a.tools.wrap(a.renderer())) // --trace: actors as tasks (gotools.go)
	if err != nil && a.json {
		return renderedError{err}
	}
	return err
}

// parseAnswers reads --answer ("b" or "b,a") for the questions asked.
func parseAnswers(s string, asked []demos.Asked) ([]int, error) {
	parts := strings.Split(s, ",")
	if strings.TrimSpace(s) == "" || len(parts) != len(asked) {
		return nil, usagef("--answer %q: %d question(s) asked; give one letter each, comma-separated (like --answer %s)",
			s, len(asked), exampleAnswer(len(asked)))
	}
	var out []int
	for i, p := range parts {
		n, err := demos.ChoiceIndex(p, len(asked[i].Choices))
		if err != nil {
			return nil, usagef("--answer, question %d: %v", i+1, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func exampleAnswer(n int) string {
	return strings.TrimSuffix(strings.Repeat("a,", max(n, 1)), ",")
}

// askQuiz prints d's questions for these knobs and gets one answer per
// question: from --answer, from the terminal (a key each, a wrong key asks
// again, Ctrl-C interrupts), or one line each from stdin. The questions go
// to stdout, or to stderr under --json, whose stdout is JSON lines only.
func (a *app) askQuiz(d demos.Demo, knobs *demos.Bound, keys *keyReader, answered bool) ([]int, error) {
	asked := knobs.Ask()
	if answered {
		answers, err := parseAnswers(a.answer, asked)
		if err != nil || a.json {
			return answers, err
		}
		a.printQuestions(a.io.Out, d, asked, func(i int) (string, bool) { return ev.Letter(answers[i]) + " (--answer)", true })
		return answers, nil
	}
	w := a.io.Out
	if a.json {
		w = a.io.Err
	}
	var answers []int
	var failed error
	a.printQuestions(w, d, asked, func(i int) (string, bool) {
		n, err := a.readAnswer(w, keys, i, asked)
		if err != nil {
			failed = err
			return "", false
		}
		answers = append(answers, n)
		return "", true
	})
	if failed != nil {
		return nil, failed
	}
	return answers, nil
}

// printQuestions prints the questions, wrapped to the screen, each
// followed by its answer line: answer(i) either returns the answer to
// print, or reads it (and prints the prompt itself), returning ""; false
// stops the questions there.
func (a *app) printQuestions(w io.Writer, d demos.Demo, asked []demos.Asked, answer func(i int) (string, bool)) {
	th := a.theme()
	width := a.width()
	para := func(lead, hang, s string) {
		lines := []string{s}
		if width > 0 {
			lines = ui.Wrap(s, width-utf8.RuneCountInString(lead), width-utf8.RuneCountInString(hang))
		}
		for j, l := range lines {
			if j == 0 {
				fmt.Fprintln(w, lead+l)
			} else {
				fmt.Fprintln(w, hang+l)
			}
		}
	}
	n := "1 question"
	if len(asked) > 1 {
		n = fmt.Sprintf("%d questions", len(asked))
	}
	fmt.Fprintln(w, th.Bold.Sprintf("quiz · %s · %s — predict, then run", d.Name, n))
	for i, q := range asked {
		para(fmt.Sprintf("  %d. ", i+1), "     ", q.Text)
		for j, c := range q.Choices {
			para(fmt.Sprintf("       %s) ", ev.Letter(j)), "          ", c)
		}
		s, ok := answer(i)
		if !ok {
			return
		}
		if s != "" {
			fmt.Fprintf(w, "     your answer: %s\n", s)
		}
	}
	fmt.Fprintln(w)
}

// readAnswer gets the answer to question i: a key on a terminal (asked
// again until it is a choice), else a line of stdin.
func (a *app) readAnswer(w io.Writer, keys *keyReader, i int, asked []demos.Asked) (int, error) {
	n := len(asked[i].Choices)
	letters := "a–" + ev.Letter(n-1)
	if !a.io.InTTY {
		line, err := keys.buf.ReadString('\n')
		if err != nil && line == "" {
			return -1, usagef("--quiz: stdin ended before the answer to question %d of %d (one line per question); give the answers with --answer", i+1, len(asked))
		}
		c, err := demos.ChoiceIndex(line, n)
		if err != nil {
			return -1, usagef("--quiz, question %d: %v (from stdin)", i+1, err)
		}
		fmt.Fprintf(w, "     your answer: %s\n", ev.Letter(c))
		return c, nil
	}
	for {
		fmt.Fprintf(w, "     your answer (%s): ", letters)
		key, err := a.readKey(keys)
		switch {
		case errors.Is(err, demos.ErrInterrupted):
			fmt.Fprintln(w)
			return -1, err
		case err != nil:
			fmt.Fprintln(w)
			return -1, usagef("--quiz: no answer to question %d (stdin closed); give the answers with --answer", i+1)
		}
		c, perr := demos.ChoiceIndex(key, n)
		if perr == nil {
			fmt.Fprintln(w, ev.Letter(c))
			return c, nil
		}
		fmt.Fprintf(w, "%s\n     (type one letter, %s)\n", strings.TrimSpace(printable(key)), letters)
	}
}

// printable shows a key that is not a letter.
func printable(s string) string {
	if s == "" || s == "\r" || s == "\n" {
		return "⏎"
	}
	return fmt.Sprintf("%q", s)
}

// readKey reads one answer key: a single keystroke in raw mode when stdin
// is a real terminal (Ctrl-C, which raw mode turns into a byte, is an
// interrupt; Ctrl-D is the end of input), else a line. A signal that
// cancels the run's context (SIGTERM, SIGHUP) ends the wait too.
func (a *app) readKey(keys *keyReader) (string, error) {
	f, ok := keys.in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		line, err := keys.buf.ReadString('\n')
		if err != nil && line == "" {
			return "", io.EOF
		}
		return strings.TrimSpace(line), nil
	}
	old, err := term.MakeRaw(int(f.Fd()))
	if err != nil {
		return "", err
	}
	type got struct {
		b   byte
		err error
	}
	ch := make(chan got, 1)
	go func() {
		var b [1]byte
		_, err := f.Read(b[:])
		ch <- got{b[0], err}
	}()
	var g got
	select {
	case g = <-ch:
	case <-a.ctx.Done():
		_ = term.Restore(int(f.Fd()), old)
		return "", interruptedBy(a.ctx)
	}
	_ = term.Restore(int(f.Fd()), old)
	switch {
	case g.err != nil, g.b == 0x04:
		return "", io.EOF
	case g.b == 0x03:
		return "", demos.ErrInterrupted
	}
	return string(g.b), nil
}

// interruptedBy is the error for a wait that a signal ended: the
// Interrupt the context was cancelled with, if any.
func interruptedBy(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, demos.ErrInterrupted) {
		return cause
	}
	return demos.ErrInterrupted
}

// refuseQuizFlags makes the lab commands that cannot quiz refuse the quiz
// flags: verify (many runs, no guesses) both, run-all --answer (its
// answers come one per question, from the terminal or stdin).
func refuseQuizFlags(root *cobra.Command) {
	refuse := map[string][]string{"verify": {"quiz", "answer"}, "run-all": {"answer"}}
	for name, flags := range refuse {
		c, _, err := root.Find([]string{name})
		if err != nil || c == root {
			continue
		}
		prev := c.PreRunE
		c.PreRunE = func(c *cobra.Command, args []string) error {
			for _, f := range flags {
				if c.Flags().Changed(f) {
					switch name + " " + f {
					case "run-all answer":
						return usagef("--answer does not apply to 'pardemo run-all': with --quiz it reads one answer per question from the terminal or stdin")
					default:
						return usagef("--%s does not apply to 'pardemo %s': it runs each scenario many times (quiz one run: 'pardemo NAME --quiz')", f, name)
					}
				}
			}
			if prev != nil {
				return prev(c, args)
			}
			return nil
		}
	}
}
