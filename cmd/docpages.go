package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// generate writes the CLI reference into dir/cli and the scenario pages
// into dir/demos.
func (a *app) generate(dir string) error {
	for _, sub := range []string{cliDir, demosDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := genCLI(filepath.Join(dir, cliDir)); err != nil {
		return err
	}
	return genDemos(filepath.Join(dir, demosDir), a.reg)
}

// genCLI writes one page per command with cobra's generator.
func genCLI(dir string) error {
	// Test streams: no terminal and an empty environment, so nothing about
	// this machine can leak into the help text.
	root := docRoot()
	// The footer carries today's date, which would make every page change
	// every day. Set it on every command, not only the root, because cobra
	// copies it down from parents only on pages with a SEE ALSO section.
	visit(root, func(c *cobra.Command) { c.DisableAutoGenTag = true })
	noHeader := pageGlobals(root) // no header; a lab command's page lists only the global flags it takes
	sameLink := func(s string) string { return s }
	return doc.GenMarkdownTreeCustom(root, dir, noHeader, sameLink)
}

// docRoot is a fresh command tree as a user sees it, on test streams: no
// terminal and an empty environment, so nothing about this machine can
// leak into the help text.
func docRoot() *cobra.Command {
	streams, _, _ := ui.Test()
	root := newApp(context.Background(), streams, nil).newRoot()
	// Execute adds the version flag to the real CLI; add it here too so
	// the reference shows what `pardemo --help` shows.
	root.InitDefaultVersionFlag()
	return root
}

// genMan writes one man page per command into dir.
func (a *app) genMan(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := docRoot()
	visit(root, func(c *cobra.Command) { c.DisableAutoGenTag = true })
	// One page at a time (what doc.GenManTree does), so that each page
	// lists only the global flags its command takes.
	var err error
	visit(root, func(c *cobra.Command) {
		if err != nil || !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			return
		}
		showGlobalsFor(root, c)
		var f *os.File
		if f, err = os.Create(filepath.Join(dir, strings.ReplaceAll(c.CommandPath(), " ", "-")+".1")); err != nil {
			return
		}
		hdr := &doc.GenManHeader{Title: "PARDEMO", Section: "1", Source: "pardemo " + version()}
		err = errors.Join(doc.GenMan(c, hdr, f), f.Close())
	})
	return err
}

// pageName is the file of scenario name under docs/demos: "pool primes" →
// "pool-primes.md".
func pageName(name string) string {
	return strings.ReplaceAll(name, " ", "-") + ".md"
}

// cliPage is the file cobra writes for a scenario's command, relative to
// docs/cli: "pool primes" → "pardemo_pool_primes.md".
func cliPage(name string) string {
	return strings.ReplaceAll("pardemo "+name, " ", "_") + ".md"
}

// genDemos writes one page per scenario and the curriculum index.
func genDemos(dir string, reg []demos.Demo) error {
	for _, d := range reg {
		if err := os.WriteFile(filepath.Join(dir, pageName(d.Name)), demoPage(d), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), index(reg), 0o644)
}

func demoPage(d demos.Demo) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s — %s, chapter %d: %s\n\n", d.Name, d.ID, d.Chapter, d.ChapterTitle)
	fmt.Fprintf(&b, "%s\n\n", d.Title)
	fmt.Fprintf(&b, "**Python:** %s → **Go:** %s\n\n", d.Python, d.Go)

	b.WriteString("## Run it\n\n```sh\n")
	fmt.Fprintf(&b, "pardemo %s\n", d.Name)
	for _, ex := range d.Examples() {
		fmt.Fprintln(&b, ex)
	}
	fmt.Fprintf(&b, "pardemo explain %s\n", d.Name)
	b.WriteString("```\n\n")

	b.WriteString("## Knobs\n\n")
	params := d.Params()
	if len(params) == 0 {
		b.WriteString("This scenario has no knobs of its own.\n\n")
	} else {
		b.WriteString("| Knob | Meaning | Default | Allowed |\n|---|---|---|---|\n")
		for _, p := range params {
			fmt.Fprintf(&b, "| `--%s` | %s | `%s` | %s |\n", p.Name, cell(p.Usage), p.Default, allowed(p))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Every flag, the global ones too, is in the [command reference](../cli/%s).\n\n", cliPage(d.Name))

	b.WriteString("## JSON metrics\n\n")
	if names := metricNames(d.Metrics); len(names) == 0 {
		b.WriteString("This scenario declares no metrics.\n\n")
	} else {
		keys := make([]string, len(names))
		for i, m := range names {
			keys[i] = "`" + m + "`"
		}
		fmt.Fprintf(&b, "With `--json`, the result line's `metrics` object carries %s. See [the JSON format](../json.md).\n\n",
			strings.Join(keys, ", "))
	}

	b.WriteString(lessonBody(d.Explain))
	return b.Bytes()
}

// allowed is the table's bounds-or-choices column.
func allowed(p demos.Param) string {
	switch p.Kind {
	case demos.IntKind:
		return ev.Int(p.Min) + " – " + ev.Int(p.Max)
	case demos.ChoiceKind:
		words := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			words[i] = "`" + c + "`"
		}
		return strings.Join(words, ", ")
	case demos.Int64ListKind:
		return fmt.Sprintf("up to %s numbers, each %s – %s", ev.Int(demos.MaxListLen), ev.Int(p.Min), ev.Int(p.Max))
	case demos.PathKind:
		return "a file path"
	case demos.FloatKind:
		return demos.FormatFloat(p.FMin) + " – " + demos.FormatFloat(p.FMax)
	}
	return "on / off"
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// lessonBody is the Explain text without its "# name" title, which the
// page already has.
func lessonBody(explain string) string {
	s := strings.TrimLeft(explain, "\n")
	if strings.HasPrefix(s, "# ") {
		_, s, _ = strings.Cut(s, "\n")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return s + "\n"
}

// index is docs/demos/README.md: the curriculum by chapter, in registry
// order (the order `pardemo list` shows and `run-all` runs).
func index(reg []demos.Demo) []byte {
	var b bytes.Buffer
	b.WriteString("# Scenarios\n\n")
	b.WriteString("The curriculum, chapter by chapter, in the order `pardemo list` shows and\n`pardemo run-all` runs. ")
	b.WriteString("Each page has the lesson, how to run it, its knobs and its JSON metrics.\n")
	b.WriteString("The flags of every command are in the [command reference](../cli/pardemo.md).\n")
	chapter := -1
	for _, d := range reg {
		if d.Chapter != chapter {
			chapter = d.Chapter
			fmt.Fprintf(&b, "\n## Chapter %d — %s\n\n", chapter, d.ChapterTitle)
		}
		fmt.Fprintf(&b, "- [%s](%s) · %s · %s · Python %s → Go %s\n", d.Name, pageName(d.Name), d.ID, d.Title, d.Python, d.Go)
	}
	return b.Bytes()
}
