package cmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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
			a.ran = true
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
					fmt.Fprintf(a.io.Out, "%s\n", th.Bold.Sprintf("Chapter %d — %s", chapter, demos.ChapterTitle(chapter)))
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
	Min     *int64   `json:"min,omitempty"`
	Max     *int64   `json:"max,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

func listLine(d demos.Demo) map[string]any {
	params := []paramJSON{}
	for _, p := range d.Params {
		pj := paramJSON{Name: p.Name, Type: (&knob{p: p}).Type(), Usage: p.Usage, Default: p.Default, Choices: p.Choices}
		if p.Kind == demos.IntKind || p.Kind == demos.Int64ListKind {
			pj.Min, pj.Max = &p.Min, &p.Max
		}
		params = append(params, pj)
	}
	return map[string]any{"type": "demo", "name": d.Name, "id": d.ID, "chapter": d.Chapter,
		"chapter_title": demos.ChapterTitle(d.Chapter), "lesson": d.Title, "python": d.Python, "go": d.Go,
		"params": params, "metrics": d.Metrics}
}

func (a *app) newExplain() *cobra.Command {
	return &cobra.Command{
		Use:               "explain NAME",
		Short:             "The lesson page: concept, what to notice, Python ↔ Go, things to try",
		Args:              a.nameArgs,
		ValidArgsFunction: a.completeNames,
		RunE: func(c *cobra.Command, args []string) error {
			a.ran = true
			d, _ := find(a.reg, strings.Join(args, " "))
			th := a.theme()
			fmt.Fprintf(a.io.Out, "%s\n", th.Title.Sprintf("%s · %s · chapter %d: %s", d.Name, d.ID, d.Chapter, demos.ChapterTitle(d.Chapter)))
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
			if len(d.Params) > 0 {
				fmt.Fprintf(a.io.Out, "\n%s\n", th.Bold.Sprint("Knobs"))
				for _, p := range d.Params {
					fmt.Fprintf(a.io.Out, "  --%-10s %s, default %s\n", p.Name, p.Describe(), p.Default)
				}
			}
			return nil
		},
	}
}

func (a *app) newSource() *cobra.Command {
	return &cobra.Command{
		Use:               "source NAME",
		Short:             "Print the scenario's Go source (embedded in the binary)",
		Args:              a.nameArgs,
		ValidArgsFunction: a.completeNames,
		RunE: func(c *cobra.Command, args []string) error {
			a.ran = true
			d, _ := find(a.reg, strings.Join(args, " "))
			if d.Source == nil {
				return errors.New("no source embedded for " + d.Name)
			}
			th := a.theme()
			return fs.WalkDir(d.Source, ".", func(path string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") {
					return err
				}
				b, err := fs.ReadFile(d.Source, path)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.io.Out, "%s\n%s\n", th.Dim.Sprintf("// ─── %s ───", path), b)
				return nil
			})
		},
	}
}

func (a *app) newRunAll() *cobra.Command {
	var pause bool
	c := &cobra.Command{
		Use:   "run-all",
		Short: "Run every scenario in curriculum order, then a summary table",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a.ran = true
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
				res, wall, err := demos.Execute(a.ctx, d, a.config(demos.NewValues(d.Params)), out)
				if errors.Is(err, demos.ErrInterrupted) {
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
