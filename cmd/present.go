package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// runAllOpts are run-all's own flags: which scenarios, and presenter mode.
type runAllOpts struct {
	pause   bool
	talk    bool
	chapter int
	from    string
	only    string
}

// selection is the scenarios run-all runs, in curriculum order: --chapter,
// --from and --only narrow the registry.
func (a *app) selection(o runAllOpts) ([]demos.Demo, error) {
	list := a.reg
	if o.chapter != 0 {
		var in []demos.Demo
		for _, d := range list {
			if d.Chapter == o.chapter {
				in = append(in, d)
			}
		}
		if len(in) == 0 {
			return nil, usagef("--chapter %d has no scenarios (see 'pardemo list')", o.chapter)
		}
		list = in
	}
	if o.from != "" {
		i := slices.IndexFunc(list, func(d demos.Demo) bool { return d.Name == o.from })
		if i < 0 {
			return nil, unknownIn("--from", o.from, list)
		}
		list = list[i:]
	}
	if o.only != "" {
		var in []demos.Demo
		for _, name := range strings.Split(o.only, ",") {
			name = strings.Join(strings.Fields(name), " ")
			d, ok := find(list, name)
			if !ok {
				return nil, unknownIn("--only", name, list)
			}
			if !slices.ContainsFunc(in, func(x demos.Demo) bool { return x.Name == d.Name }) {
				in = append(in, d)
			}
		}
		// Curriculum order, whatever order they were named in.
		slices.SortStableFunc(in, func(x, y demos.Demo) int {
			return slices.IndexFunc(list, func(d demos.Demo) bool { return d.Name == x.Name }) -
				slices.IndexFunc(list, func(d demos.Demo) bool { return d.Name == y.Name })
		})
		list = in
	}
	return list, nil
}

func unknownIn(flag, name string, list []demos.Demo) error {
	if s := suggest(name, names(list)); s != "" {
		return usagef("%s: no scenario %q here (did you mean %q?)", flag, name, s)
	}
	return usagef("%s: no scenario %q here (see 'pardemo list')", flag, name)
}

func (a *app) newRunAll() *cobra.Command {
	var o runAllOpts
	c := &cobra.Command{
		Use:   "run-all",
		Short: "Run every scenario in curriculum order, then a summary table (presenter mode: --pause, --talk)",
		Long: `Run every scenario in curriculum order, then a one-line-per-scenario summary.

On a terminal each scenario starts on a clean screen under a title card
("7 of 44 · Chapter 2 · Synchronisation" and its one-line lesson).
--chapter, --from and --only choose the scenarios. With --pause (stdin a
terminal) run-all waits after each scenario: Enter goes on, s skips the
next one, r repeats this one, b goes back one, q quits. --talk prints the
lesson's talking points ("what to notice") before each scenario. With
--quiz the course is a quiz: each scenario's questions come at its title
card, one answer each from the terminal (a key) or from stdin (a line), in
course order, and the summary shows the score; on a terminal it pauses
after each reveal, as --pause does.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			for _, name := range []string{"only", "from"} {
				if f := c.Flags().Lookup(name); f.Changed && strings.TrimSpace(f.Value.String()) == "" {
					// Not "everything": a typo must not start the whole course.
					return usagef("--%s needs a scenario name (see 'pardemo list')", name)
				}
			}
			if err := a.checkView(false); err != nil {
				return err
			}
			if err := a.refuseTools("run-all"); err != nil {
				return err
			}
			return a.runAll(o)
		},
	}
	f := c.Flags()
	f.BoolVar(&o.pause, "pause", false, "wait for a key after each scenario (only when stdin is a terminal): Enter next, s skip, r repeat, b back, q quit")
	f.BoolVar(&o.talk, "talk", false, "print the lesson's talking points before each scenario")
	f.IntVar(&o.chapter, "chapter", 0, "run only this chapter's scenarios (see 'pardemo list')")
	f.StringVar(&o.from, "from", "", "start at this scenario")
	f.StringVar(&o.only, "only", "", "run only these scenarios, comma-separated (\"race,pool sum\")")
	_ = c.RegisterFlagCompletionFunc("from", a.completeWholeNames)
	_ = c.RegisterFlagCompletionFunc("only", a.completeWholeNames)
	_ = c.RegisterFlagCompletionFunc("chapter", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []string
		for _, d := range a.reg {
			if n := strconv.Itoa(d.Chapter); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// completeWholeNames offers whole scenario names (for a flag value, where
// the shell keeps a quoted name with a space together).
func (a *app) completeWholeNames(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []string
	for _, n := range names(a.reg) {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// The keys of a pause.
const (
	keyNext      = iota // Enter
	keySkip             // s
	keyRepeat           // r
	keyBack             // b
	keyQuit             // q
	keyInterrupt        // Ctrl-C, read as a key in raw mode: as if SIGINT came
)

func (a *app) runAll(o runAllOpts) error {
	list, err := a.selection(o)
	if err != nil {
		return err
	}
	out := a.renderer()
	present := !a.json
	screen := present && a.io.OutTTY
	th := a.theme()
	// --quiz on a terminal pauses too: the reveal stays on screen until
	// a key, instead of being cleared by the next title card.
	pause := (o.pause || a.quiz) && a.io.InTTY && !a.json
	keys := newKeyReader(a.io.In)

	results := make([]*ui.SummaryRow, len(list))
	for i := 0; i < len(list); {
		d := list[i]
		if present {
			if screen {
				fmt.Fprint(a.io.Out, "\x1b[H\x1b[2J") // a clean screen for each scenario
			}
			a.titleCard(th, d, i, len(list), o.talk)
		}
		knobs := d.Bind()
		cfg := a.configFor(d, knobs)
		if a.quiz && d.Questions > 0 {
			// run-all --quiz: the questions at the title card, one answer
			// each from the terminal or a line of stdin, in course order.
			answers, qerr := a.askQuiz(d, knobs, keys, false)
			if qerr != nil {
				out.Summary(rowsOf(results))
				return qerr // nothing rendered it: with --json, the error line follows the summary
			}
			cfg.Answers = answers
		}
		res, wall, err := demos.Execute(a.ctx, d, cfg, out)
		var lost *ui.WriteError
		if errors.Is(err, demos.ErrInterrupted) || errors.As(err, &lost) {
			// Ctrl-C, or nobody can read the rest: stop here.
			out.Summary(rowsOf(results))
			return renderedIf(a.json, err)
		}
		row := ui.SummaryRow{Demo: d.Name, Chapter: d.Chapter, Wall: wall, Verdict: res.Verdict, Short: res.ShortVerdict(), Observed: res.Observed, Quiz: res.Quiz}
		if err != nil {
			row.Failed, row.Verdict = true, oneLine(err.Error())
			row.Short = ev.Clip(row.Verdict, ev.ShortMax)
		}
		results[i] = &row
		if !pause || i == len(list)-1 {
			i++
			continue
		}
		fmt.Fprintf(a.io.Err, "%s ", th.Bold.Sprintf("Enter: %s · s: skip it · r: repeat %s · b: back · q: quit", list[i+1].Name, d.Name))
		switch keys.read() {
		case keySkip:
			i += 2
		case keyRepeat:
		case keyBack:
			i = max(0, i-1)
		case keyQuit:
			i = len(list)
		case keyInterrupt:
			fmt.Fprintln(a.io.Err)
			out.Summary(rowsOf(results))
			return renderedIf(a.json, demos.ErrInterrupted)
		default:
			i++
		}
		fmt.Fprintln(a.io.Err)
	}
	if screen {
		fmt.Fprint(a.io.Out, "\x1b[H\x1b[2J")
	}
	rows := rowsOf(results)
	out.Summary(rows)
	failed := 0
	for _, r := range rows {
		if r.Failed {
			failed++
		}
	}
	if failed > 0 {
		return renderedIf(a.json, fmt.Errorf("%d of %d scenarios failed", failed, len(rows)))
	}
	return nil
}

func rowsOf(results []*ui.SummaryRow) []ui.SummaryRow {
	var rows []ui.SummaryRow
	for _, r := range results {
		if r != nil {
			rows = append(rows, *r)
		}
	}
	return rows
}

// titleCard introduces scenario d, the i-th of n: where it is in the
// course, its lesson in one line, and with --talk the talking points.
func (a *app) titleCard(th *ui.Theme, d demos.Demo, i, n int, talk bool) {
	w := a.width()
	wrap := func(lead, s string) []string {
		if w <= 0 {
			return []string{lead + s}
		}
		lines := ui.Wrap(s, w-len([]rune(lead)), w-len([]rune(lead)))
		for j := range lines {
			if j == 0 {
				lines[j] = lead + lines[j]
			} else {
				lines[j] = strings.Repeat(" ", len([]rune(lead))) + lines[j]
			}
		}
		return lines
	}
	fmt.Fprintf(a.io.Out, "%s\n", th.Bold.Sprintf("%d of %d · Chapter %d · %s", i+1, n, d.Chapter, d.ChapterTitle))
	for _, l := range wrap("", d.Title) {
		fmt.Fprintln(a.io.Out, l)
	}
	if talk {
		if pts := talkingPoints(d.Explain); len(pts) > 0 {
			fmt.Fprintf(a.io.Out, "%s\n", th.Bold.Sprint("talking points"))
			for _, p := range pts {
				for _, l := range wrap("  • ", p) {
					fmt.Fprintln(a.io.Out, l)
				}
			}
		}
	}
	fmt.Fprintln(a.io.Out)
}

// talkingPoints are the bullets of a lesson page's "What to notice"
// section, each joined into one line.
func talkingPoints(page string) []string {
	var out []string
	in := false
	for line := range strings.Lines(page) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## What to notice")
			continue
		}
		if !in {
			continue
		}
		switch t := strings.TrimSpace(line); {
		case strings.HasPrefix(t, "- "):
			out = append(out, strings.TrimPrefix(t, "- "))
		case t != "" && len(out) > 0 && strings.HasPrefix(line, " "):
			out[len(out)-1] += " " + t
		}
	}
	return out
}

// keyReader reads one key at a pause: a single keystroke when stdin is a
// terminal (raw mode for the length of one read), else a line.
type keyReader struct {
	in  io.Reader
	buf *bufio.Reader
}

func newKeyReader(in io.Reader) *keyReader { return &keyReader{in: in, buf: bufio.NewReader(in)} }

func (k *keyReader) read() int {
	if f, ok := k.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if old, err := term.MakeRaw(int(f.Fd())); err == nil {
			var b [1]byte
			_, rerr := f.Read(b[:])
			_ = term.Restore(int(f.Fd()), old)
			if rerr != nil {
				return keyQuit
			}
			return keyOf(string(b[:]))
		}
	}
	line, err := k.buf.ReadString('\n')
	if err != nil && line == "" {
		return keyQuit
	}
	return keyOf(strings.TrimSpace(line))
}

func keyOf(s string) int {
	switch strings.ToLower(s) {
	case "s":
		return keySkip
	case "r":
		return keyRepeat
	case "b":
		return keyBack
	case "q", "\x04": // q, Ctrl-D
		return keyQuit
	case "\x03": // Ctrl-C: the terminal in raw mode sends no SIGINT
		return keyInterrupt
	}
	return keyNext
}
