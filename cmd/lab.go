package cmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"

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

// completeNames completes a scenario name word by word, as it is typed:
// `explain thread<TAB>` offers "thread", then `explain thread <TAB>`
// offers start, join, daemon and timer (a name with a space cannot be
// offered whole: the shell would split it).
func (a *app) completeNames(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, d := range a.reg {
		words := strings.Fields(d.Name)
		if len(words) <= len(args) || !slices.Equal(words[:len(args)], args) {
			continue
		}
		w := words[len(args)]
		if strings.HasPrefix(w, toComplete) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
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
				lead := fmt.Sprintf("  %-*s  %-3s  ", width, d.Name, d.ID)
				a.say(lead, d.Title, nil)
				a.say(strings.Repeat(" ", len([]rune(lead))), fmt.Sprintf("python %s → go %s", d.Python, d.Go), th.Dim)
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
				a.sayLine(line)
			}
			if params := d.Params(); len(params) > 0 {
				fmt.Fprintf(a.io.Out, "\n%s\n", th.Bold.Sprint("Knobs"))
				aliases := d.Bind().Aliases()
				for _, p := range params {
					text := fmt.Sprintf("%s, default %s", p.Describe(), p.Default)
					for _, al := range aliases {
						if al.New == p.Name {
							text += fmt.Sprintf(" (was --%s: still accepted this release)", al.Old)
						}
					}
					a.say(fmt.Sprintf("  --%-10s ", p.Name), text, nil)
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

func renderedIf(json bool, err error) error {
	if json {
		return renderedError{err}
	}
	return err
}

// say prints text after lead, wrapped to the screen (on a terminal; piped
// output is not wrapped), continuation lines hanging under the text.
func (a *app) say(lead, text string, style *color.Color) {
	n := len([]rune(lead))
	lines := []string{text}
	if w := a.width(); w > 0 {
		hang := n
		if w-n < 30 {
			hang = min(n, 4)
		}
		lines = ui.Wrap(text, w-n, w-hang)
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", hang) + lines[i]
		}
	}
	lines[0] = lead + lines[0]
	for _, l := range lines {
		if style != nil {
			l = style.Sprint(l)
		}
		fmt.Fprintln(a.io.Out, l)
	}
}

// sayLine prints one line of a lesson page, wrapped when it is wider than
// the screen: a bullet's continuation hangs under its text.
func (a *app) sayLine(line string) {
	w := a.width()
	if w <= 0 || utf8.RuneCountInString(line) <= w {
		fmt.Fprintln(a.io.Out, line)
		return
	}
	body := strings.TrimLeft(line, " ")
	lead := line[:len(line)-len(body)]
	if rest, ok := strings.CutPrefix(body, "- "); ok {
		lead, body = lead+"- ", rest
	}
	a.say(lead, body, nil)
}
