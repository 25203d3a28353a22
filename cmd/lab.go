package cmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ui"
)

// nameArgs accepts scenario names as one or more words ("pool primes") and
// checks them against the registry.
func (a *app) nameArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usagef("%s needs a scenario name (see 'pardemo list')", c.Name())
	}
	if _, ok := find(a.reg, strings.Join(args, " ")); !ok {
		return unknown("scenario", strings.Join(args, " "), names(a.reg))
	}
	return nil
}

func (a *app) completeNames(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return names(a.reg), cobra.ShellCompDirectiveNoFileComp
}

func (a *app) newList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "The catalogue by chapter: name, lesson, Python → Go",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if a.json {
				enc := json.NewEncoder(a.io.Out)
				enc.SetEscapeHTML(false)
				for _, d := range a.reg {
					if err := enc.Encode(listLine(d)); err != nil {
						return err
					}
				}
				return nil
			}
			th := a.theme()
			chapter := 0
			width := 0
			for _, d := range a.reg {
				width = max(width, len(d.Name))
			}
			for _, d := range a.reg {
				if d.Chapter != chapter {
					chapter = d.Chapter
					fmt.Fprintf(a.io.Out, "%s\n", th.Bold.Sprintf("Chapter %d — %s", chapter, d.ChapterTitle))
				}
				fmt.Fprintf(a.io.Out, "  %-*s  %-3s  %s\n", width, d.Name, d.ID, d.Title)
				fmt.Fprintf(a.io.Out, "  %-*s       %s\n", width, "", th.Dim.Sprintf("python %s → go %s", d.Python, d.Go))
			}
			fmt.Fprintf(a.io.Out, "\n%s\n", th.Dim.Sprint("pardemo explain NAME · pardemo source NAME · pardemo NAME --help"))
			return nil
		},
	}
}

type paramJSON struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"` // the flag's type as help shows it: int, bool, string, numbers, path
	Usage   string   `json:"usage"`
	Default string   `json:"default"`
	Min     any      `json:"min,omitempty"`
	Max     any      `json:"max,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

func listLine(d demos.Demo) map[string]any {
	params := []paramJSON{}
	for _, p := range d.Params() {
		pj := paramJSON{Name: p.Name, Type: p.Type(), Usage: p.Usage, Default: p.Default, Choices: p.Choices}
		switch p.Kind {
		case demos.IntKind, demos.Int64ListKind:
			pj.Min, pj.Max = p.Min, p.Max
		case demos.FloatKind:
			pj.Min, pj.Max = p.FMin, p.FMax
		}
		params = append(params, pj)
	}
	return map[string]any{"type": "demo", "name": d.Name, "id": d.ID, "chapter": d.Chapter,
		"chapter_title": d.ChapterTitle, "lesson": d.Title, "python": d.Python, "go": d.Go,
		"params": params, "metrics": metricNames(d.Metrics)}
}

func (a *app) newExplain() *cobra.Command {
	return &cobra.Command{
		Use:               "explain NAME",
		Short:             "The lesson page: concept, what to notice, Python ↔ Go, things to try",
		Args:              a.nameArgs,
		ValidArgsFunction: a.completeNames,
		RunE: func(c *cobra.Command, args []string) error {
			d, _ := find(a.reg, strings.Join(args, " "))
			th := a.theme()
			fmt.Fprintf(a.io.Out, "%s\n", th.Title.Sprintf("%s · %s · chapter %d: %s", d.Name, d.ID, d.Chapter, d.ChapterTitle))
			fmt.Fprintf(a.io.Out, "%s\n%s\n\n", d.Title, th.Dim.Sprintf("python %s  →  go %s", d.Python, d.Go))
			sc := bufio.NewScanner(strings.NewReader(d.Explain))
			for sc.Scan() {
				line := sc.Text()
				if h, ok := strings.CutPrefix(line, "## "); ok {
					line = th.Bold.Sprint(h)
				} else if strings.HasPrefix(line, "# ") {
					continue // the title is printed above
				}
				fmt.Fprintln(a.io.Out, line)
			}
			if params := d.Params(); len(params) > 0 {
				fmt.Fprintf(a.io.Out, "\n%s\n", th.Bold.Sprint("Knobs"))
				for _, p := range params {
					fmt.Fprintf(a.io.Out, "  --%-10s %s, default %s\n", p.Name, p.Describe(), p.Default)
				}
			}
			return nil
		},
	}
}

func (a *app) newSource() *cobra.Command {
	var all bool
	c := &cobra.Command{
		Use:               "source NAME",
		Short:             "Print the lesson's Go source (embedded in the binary); --all adds the set-up and verdict code",
		Args:              a.nameArgs,
		ValidArgsFunction: a.completeNames,
		RunE: func(c *cobra.Command, args []string) error {
			d, _ := find(a.reg, strings.Join(args, " "))
			files, err := sourceFiles(a.src, d)
			if err != nil {
				return err
			}
			th := a.theme()
			lessons := 0
			for _, f := range files {
				if f.lesson {
					lessons++
				}
			}
			for i, f := range files {
				if !f.lesson && !all {
					fmt.Fprintf(a.io.Out, "%s\n", th.Dim.Sprintf("// %d more file(s) of set-up, report and verdict code: pardemo source %s --all", len(files)-lessons, d.Name))
					break
				}
				what := fmt.Sprintf("lesson %d of %d", i+1, lessons)
				if !f.lesson {
					what = "set-up, report and verdict"
				}
				fmt.Fprintf(a.io.Out, "%s\n%s\n", th.Dim.Sprintf("// ─── pardemo source %s · %s: %s ───", d.Name, what, f.path), f.text)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&all, "all", false, "also print the scenario's set-up, report and verdict code")
	return c
}

// sourceFile is one file `pardemo source` prints.
type sourceFile struct {
	path   string // from the repository root
	text   []byte
	lesson bool // named in the scenario's Lesson (printed by default)
}

// sourceFiles lists what `pardemo source` prints for d: its Lesson files
// in reading order, then every other non-test Go file of its folder. A
// Lesson path that is not in src is an error, so a renamed file cannot
// silently drop out of the lesson.
func sourceFiles(src fs.FS, d demos.Demo) ([]sourceFile, error) {
	if src == nil {
		return nil, errors.New("this build carries no source files")
	}
	var out []sourceFile
	seen := map[string]bool{}
	add := func(path string, lesson bool) error {
		b, err := fs.ReadFile(src, path)
		if err != nil {
			return fmt.Errorf("scenario %s: source file %s: %w", d.Name, path, err)
		}
		out, seen[path] = append(out, sourceFile{path: path, text: b, lesson: lesson}), true
		return nil
	}
	own, err := fs.Glob(src, d.Dir+"/*.go")
	if err != nil {
		return nil, err
	}
	own = slices.DeleteFunc(own, func(p string) bool { return strings.HasSuffix(p, "_test.go") })
	lesson := d.Lesson
	if len(lesson) == 0 {
		lesson = own
	}
	for _, p := range lesson {
		if err := add(p, true); err != nil {
			return nil, err
		}
	}
	for _, p := range own {
		if !seen[p] {
			if err := add(p, false); err != nil {
				return nil, err
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no source files for %s under %s", d.Name, d.Dir)
	}
	return out, nil
}

func (a *app) newRunAll() *cobra.Command {
	var pause bool
	c := &cobra.Command{
		Use:   "run-all",
		Short: "Run every scenario in curriculum order, then a summary table",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			out := a.renderer()
			var rows []ui.SummaryRow
			failed := 0
			in := bufio.NewReader(a.io.In)
			for i, d := range a.reg {
				if i > 0 && pause && a.io.InTTY && !a.json {
					fmt.Fprintf(a.io.Err, "press Enter for %s (q then Enter to stop) ", d.Name)
					line, _ := in.ReadString('\n')
					if strings.TrimSpace(line) == "q" {
						break
					}
				}
				res, wall, err := demos.Execute(a.ctx, d, a.config(d.Bind()), out)
				var lost *ui.WriteError
				if errors.Is(err, demos.ErrInterrupted) || errors.As(err, &lost) {
					// Ctrl-C, or nobody can read the rest: stop here.
					out.Summary(rows)
					return renderedIf(a.json, err)
				}
				row := ui.SummaryRow{Demo: d.Name, Wall: wall, Verdict: res.Verdict, Observed: res.Observed}
				if err != nil {
					failed++
					row.Failed, row.Verdict = true, oneLine(err.Error())
				}
				rows = append(rows, row)
			}
			out.Summary(rows)
			if failed > 0 {
				return renderedIf(a.json, fmt.Errorf("%d of %d scenarios failed", failed, len(rows)))
			}
			return nil
		},
	}
	c.Flags().BoolVar(&pause, "pause", false, "wait for Enter between scenarios (only when stdin is a terminal)")
	return c
}

func renderedIf(json bool, err error) error {
	if json {
		return renderedError{err}
	}
	return err
}
