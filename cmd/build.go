package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pardemo/pardemo/demos"
)

// attach builds the command of scenario d — the one generic builder — and
// hangs it under root, creating a group command ("pool") when its name has
// two words ("pool primes").
func (a *app) attach(root *cobra.Command, d demos.Demo) {
	parent := root
	words := strings.Fields(d.Name)
	for _, w := range words[:len(words)-1] {
		var next *cobra.Command
		for _, c := range parent.Commands() {
			if c.Name() == w {
				next = c
			}
		}
		if next == nil {
			next = &cobra.Command{Use: w, Short: "scenarios:", Args: cobra.ArbitraryArgs, RunE: a.groupRunE, GroupID: "scenarios"}
			if parent != root {
				next.GroupID = ""
			}
			parent.AddCommand(next)
		}
		next.Short += " " + words[len(words)-1]
		parent = next
	}
	c := a.demoCommand(d, words[len(words)-1])
	if parent == root {
		c.GroupID = "scenarios"
	}
	parent.AddCommand(c)
}

func (a *app) demoCommand(d demos.Demo, use string) *cobra.Command {
	knobs := d.Bind()
	c := &cobra.Command{
		Use:   use,
		Short: d.ID + "  " + d.Title,
		Long: fmt.Sprintf("%s (%s, chapter %d: %s)\n\npython %s  →  go %s\n\nRun 'pardemo explain %s' for the lesson page.",
			d.Title, d.ID, d.Chapter, d.ChapterTitle, d.Python, d.Go, d.Name),
		Example: "  " + strings.Join(d.Examples(), "\n  "),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("%s takes no arguments, got %q (knobs are flags: see 'pardemo %s --help')", d.Name, args[0], d.Name)
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if err := knobs.Check(); err != nil {
				return &usageError{err.Error()}
			}
			return a.runDemo(d, knobs)
		},
	}
	for _, p := range knobs.Params() {
		f := c.Flags().VarPF(&knob{p: p, knobs: knobs}, p.Name, "", p.Describe())
		if p.Kind == demos.BoolKind {
			f.NoOptDefVal = "true"
		}
	}
	return c
}

func (a *app) runDemo(d demos.Demo, knobs *demos.Bound) error {
	_, _, err := demos.Execute(a.ctx, d, a.config(knobs), a.renderer())
	if err != nil && a.json {
		return renderedError{err}
	}
	return err
}

// knob adapts a scenario's Param to a pflag value. A value it refuses
// becomes a usage error through the root's flag error function.
type knob struct {
	p     demos.Param
	knobs *demos.Bound
}

func (k *knob) String() string     { return k.knobs.Text(k.p.Name) }
func (k *knob) Set(s string) error { return k.knobs.Set(k.p.Name, s) }
func (k *knob) Type() string       { return k.p.Type() }
