package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	var trials *int    // the generic --trials, when the scenario gets it
	var notes []string // deprecation notes, printed once the command line is known to be good
	var counts []int   // the swept knob's counts, when it was given a list (a sweep)
	c := &cobra.Command{
		Use:   use,
		Short: d.ID + "  " + d.Title,
		Long: fmt.Sprintf("%s (%s, chapter %d: %s)\n\npython %s  →  go %s\n\n%sRun 'pardemo explain %s' for the lesson page.",
			d.Title, d.ID, d.Chapter, d.ChapterTitle, d.Python, d.Go, ownPace(d), d.Name),
		Example: "  " + strings.Join(d.Examples(), "\n  "),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("%s takes no arguments, got %q (knobs are flags: see 'pardemo %s --help')", d.Name, args[0], d.Name)
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) (err error) {
			if err := knobs.Check(); err != nil {
				return &usageError{err.Error()}
			}
			if err := a.checkView(counts != nil || trials != nil && *trials > 1); err != nil {
				return err
			}
			quiz, err := a.quizWanted(c, d, knobs, trials)
			answered := c.Flags().Changed("answer")
			if err != nil {
				return err
			}
			tl, err := a.startTools(trials, counts != nil) // --trace, --cpuprofile (gotools.go)
			if err != nil {
				return err
			}
			defer a.stopTools(tl, &err)
			for _, n := range notes {
				fmt.Fprintf(a.io.Err, "pardemo: %s\n", n)
			}
			if counts != nil {
				if trials != nil && c.Flags().Changed("trials") {
					return usagef("--trials cannot be combined with a sweep (--%s %s): a sweep times runs, --trials counts outcomes", d.SweepKnob, joinCounts(counts))
				}
				if quiz {
					return usagef("--quiz asks about one run; a sweep (--%s %s) times many: give one count", d.SweepKnob, joinCounts(counts))
				}
				return a.runSweep(d, knobs, counts)
			}
			if quiz {
				return a.runQuiz(d, knobs, answered)
			}
			if trials != nil && *trials > 1 {
				return a.runTrialsCommand(d, knobs, *trials)
			}
			return a.runDemo(d, knobs)
		},
	}
	for _, p := range knobs.Params() {
		var value pflag.Value = &knob{p: p, knobs: knobs}
		usage := p.Describe()
		if p.Name == d.SweepKnob {
			value = &sweepFlag{knob: knob{p: p, knobs: knobs}, counts: &counts}
			usage += fmt.Sprintf("; a list of up to %d counts (1,2,4,8) sweeps them: see 'Sweeps' in docs/design.md", demos.MaxSweepCounts)
		}
		f := c.Flags().VarPF(value, p.Name, "", usage)
		if p.Kind == demos.BoolKind {
			f.NoOptDefVal = "true"
		}
		_ = c.RegisterFlagCompletionFunc(p.Name, completeKnob(p))
	}
	trials = addTrials(c, d, knobs)
	a.addAliases(c, knobs, &notes)
	return c
}

// addAliases adds a knob's deprecated spellings as hidden flags: they set
// the renamed knob and add a one-line note to *notes, once per flag, which
// the command prints on stderr only once every flag and the cross-knob
// checks have passed: a bad command line gets one line, its error. A
// spelling that a generic flag of the command now owns (a persistent
// flag, or one added later) is left to that flag.
func (a *app) addAliases(c *cobra.Command, knobs *demos.Bound, notes *[]string) {
	for _, al := range knobs.Aliases() {
		if c.Flags().Lookup(al.Old) != nil || c.InheritedFlags().Lookup(al.Old) != nil {
			continue
		}
		noted := false
		f := c.Flags().VarPF(&aliasFlag{set: func(s string) error {
			note, err := knobs.SetAlias(al.Old, s)
			if err == nil && !noted {
				noted = true
				*notes = append(*notes, note)
			}
			return err
		}}, al.Old, "", "deprecated: use --"+al.New)
		f.Hidden = true
		if al.Bool {
			f.NoOptDefVal = "true"
		}
	}
}

// aliasFlag is the pflag value of a deprecated spelling.
type aliasFlag struct {
	text string
	set  func(string) error
}

func (f *aliasFlag) String() string { return f.text }
func (f *aliasFlag) Type() string   { return "string" }
func (f *aliasFlag) Set(s string) error {
	if err := f.set(s); err != nil {
		return err
	}
	f.text = s
	return nil
}

// completeKnob completes a knob's value: its choices, true/false, a file
// name for a path, and nothing (no file names) for a number.
func completeKnob(p demos.Param) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		switch p.Kind {
		case demos.ChoiceKind:
			return p.Choices, cobra.ShellCompDirectiveNoFileComp
		case demos.BoolKind:
			return []string{"true", "false"}, cobra.ShellCompDirectiveNoFileComp
		case demos.PathKind:
			return nil, cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) runDemo(d demos.Demo, knobs *demos.Bound) error {
	_, _, err := demos.Execute(a.ctx, d, a.configFor(d, knobs), a.tools.wrap(a.renderer()))
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

// ownPace tells, in a scenario's help, the speed it runs at when --speed
// is not given, if that is its own rather than the global default.
func ownPace(d demos.Demo) string {
	if d.Speed <= 0 {
		return ""
	}
	return fmt.Sprintf("Without --speed it runs at --speed %g, its own pace (the global default is 10).\n\n", d.Speed)
}
