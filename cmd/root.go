// Package cmd is the command line: cobra wiring, the generic builder that
// turns every registered scenario into a command, and the one place where
// errors become exit codes. It holds no scenario logic.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
	"github.com/pardemo/pardemo/internal/ui"
)

// Main runs pardemo with the process's arguments and streams and returns
// the exit code. Ctrl-C, SIGTERM and SIGHUP cancel the running scenario,
// which cleans up (children reaped, temp files removed) and exits 130, 143
// or 129; a second signal does not cut the cleanup short. A closed stdout
// (`pardemo tickets | head -1`) stops the run the same way, with exit 1.
//
// src holds the project's source files (main.go embeds them), for
// `pardemo source` and the docs generator.
func Main(src fs.FS) int {
	if proc.IsChild() {
		return serveChild(Registry())
	}
	// Help lists scenarios in curriculum order, not alphabetically. This is
	// cobra's one global switch; it is set here, once per process, and
	// never from tests that may run in parallel.
	cobra.EnableCommandSorting = false
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := handleSignals(cancel)
	defer stop()
	return Run(ctx, os.Args[1:], ui.System(), src)
}

// app is one invocation: its streams, global flags and registry. A fresh
// one, with a fresh command tree, is built for every run, because cobra
// keeps flag values on the tree.
type app struct {
	ctx      context.Context
	io       *ui.Streams
	reg      []demos.Demo
	speed    float64
	seed     int64
	seedSet  bool
	json     bool
	color    string
	watchdog time.Duration
	src      fs.FS         // the project's source files
	out      *ui.ErrWriter // io.Out: remembers the first failed write
}

// Run executes one command line and returns its exit code. src holds the
// project's source files (see Main).
//
// Every byte for stdout goes through one ErrWriter: a write that fails
// (a full disk, a closed pipe) is a runtime error, exit 1 with one line on
// stderr, whatever the command was — a scenario, help, --version.
func Run(ctx context.Context, args []string, streams *ui.Streams, src fs.FS) int {
	a := newApp(ctx, streams, src)
	root := a.newRoot()
	root.SetArgs(args)
	root.SetIn(a.io.In)
	root.SetOut(a.io.Out)
	root.SetErr(a.io.Err)
	err := root.ExecuteContext(ctx)
	return a.exit(err)
}

func (a *app) exit(err error) int {
	// A lost write outranks what the command made of it (cobra calls a
	// failed --version template a plain error, a scenario may have ended
	// fine): the output is incomplete, and that is the error to report.
	var we *ui.WriteError
	if werr := a.out.Err(); werr != nil && !errors.Is(err, demos.ErrInterrupted) && !errors.As(err, &we) {
		err = werr
	}
	if err == nil {
		return ExitOK
	}
	// An error is a usage error only if it says so: it was typed where it
	// arose (a flag, an argument, a knob's bounds, a scenario's Check).
	// Everything else is a runtime error.
	code := demos.ExitCode(err) // 130, 143 or 129 for a signal; 1 otherwise
	var ue *usageError
	if errors.As(err, &ue) {
		code = ExitUsage
	}
	fmt.Fprintf(a.io.Err, "pardemo: %s\n", oneLine(err.Error()))
	var rendered renderedError
	if a.json && !errors.As(err, &rendered) && a.out.Err() == nil {
		ui.NewJSON(a.io.Out).Fail(ev.Header{}, oneLine(err.Error()), code)
	}
	return code
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (a *app) newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "pardemo",
		Short: "A concurrency teaching lab: every lesson runs for real",
		Long: `pardemo runs the scenarios of a Python parallel-programming cookbook in Go,
for real: goroutines, locks, queues and processes. Each scenario prints what
happened, how long it took, and a verdict that checks the lesson against
what actually happened in this run.

Start with 'pardemo list', then try 'pardemo race' and 'pardemo race --lock'.`,
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          a.groupRunE,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	pf := root.PersistentFlags()
	pf.Var(newSpeed(&a.speed), "speed", fmt.Sprintf("story seconds are divided by this (1 = the cookbook's real pacing; %g–%g)", minSpeed, maxSpeed))
	pf.Var(newSeed(&a.seed, &a.seedSet), "seed", "seed for every random choice (printed with each run, so it can be replayed)")
	pf.BoolVar(&a.json, "json", false, "print JSON lines (events, then the result) instead of text")
	pf.Var(newChoice(&a.color, "auto", "always", "never"), "color", "colour output: auto|always|never (NO_COLOR is honoured)")
	pf.Var(newWatchdog(&a.watchdog), "watchdog", "end a scenario that makes no progress for this long")

	root.AddGroup(&cobra.Group{ID: "lab", Title: "Lab commands:"})
	for _, c := range []*cobra.Command{a.newList(), a.newExplain(), a.newSource(), a.newRunAll()} {
		c.GroupID = "lab"
		root.AddCommand(c)
	}
	root.AddGroup(&cobra.Group{ID: "scenarios", Title: "Scenarios (in curriculum order):"})
	for _, d := range a.reg {
		a.attach(root, d)
	}
	root.AddCommand(a.newGenDocs())
	root.SetHelpCommand(a.newHelp(root))
	root.SetHelpCommandGroupID("lab")
	root.SetCompletionCommandGroupID("lab")
	root.InitDefaultCompletionCmd()
	// cobra's completion command answers an unknown shell with its help and
	// exit 0; like every group, it says "did you mean" instead.
	if comp, _, err := root.Find([]string{"completion"}); err == nil && comp != root {
		comp.Args, comp.RunE = cobra.ArbitraryArgs, a.groupRunE
	}
	visit(root, func(c *cobra.Command) { c.Args = usageArgs(c.Args) })
	return root
}

// usageArgs makes whatever an argument check refuses a usage error, also
// for the checks cobra supplies (completion's, for one).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(c *cobra.Command, args []string) error {
		err := check(c, args)
		var ue *usageError
		if err != nil && !errors.As(err, &ue) {
			return &usageError{err.Error()}
		}
		return err
	}
}

func visit(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		visit(sub, f)
	}
}

// groupRunE handles a bare group (root or "pool"): help with no argument,
// a one-line "did you mean" for an unknown one.
func (a *app) groupRunE(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return c.Help()
	}
	var cands []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			cands = append(cands, sub.Name())
		}
	}
	return unknown("command", args[0], cands)
}

// newHelp replaces cobra's help command, which answers an unknown topic
// with the root's help and exit 0, with one that says "did you mean".
func (a *app) newHelp(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		ValidArgsFunction: func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, _ := root.Find(args)
			var out []string
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() {
					out = append(out, sub.Name())
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				parent := target
				if parent == nil {
					parent = root
				}
				var cands []string
				for _, sub := range parent.Commands() {
					cands = append(cands, sub.Name())
				}
				typed := args[len(args)-1]
				if len(rest) > 0 {
					typed = rest[0]
				}
				return unknown("help topic", typed, cands)
			}
			return target.Help()
		},
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// value is a flag whose parsing and error wording are ours, so that bad
// input reads as one clear line.
type value struct {
	text string
	typ  string
	set  func(string) error
}

func (v *value) String() string { return v.text }
func (v *value) Type() string   { return v.typ }
func (v *value) Set(s string) error {
	if err := v.set(s); err != nil {
		return err
	}
	v.text = s
	return nil
}

// The bounds of --speed. Below minSpeed the longest scenario would take
// hours, and the watchdog cannot help because sleeping counts as progress;
// above maxSpeed a story second is shorter than the scheduler can keep.
const (
	minSpeed = 0.1
	maxSpeed = 100000.0
)

func newSpeed(dst *float64) *value {
	return &value{text: strconv.FormatFloat(*dst, 'g', -1, 64), typ: "float", set: func(s string) error {
		f, err := demos.ParseFloat(s, minSpeed, maxSpeed)
		if err != nil {
			return err
		}
		*dst = f
		return nil
	}}
}

func newSeed(dst *int64, given *bool) *value {
	return &value{text: "random", typ: "int", set: func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errors.New("must be a whole number")
		}
		*dst, *given = n, true
		return nil
	}}
}

func newChoice(dst *string, choices ...string) *value {
	return &value{text: *dst, typ: "string", set: func(s string) error {
		for _, c := range choices {
			if s == c {
				*dst = s
				return nil
			}
		}
		return fmt.Errorf("want one of %s", strings.Join(choices, ", "))
	}}
}

func newWatchdog(dst *time.Duration) *value {
	return &value{text: dst.String(), typ: "duration", set: func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < 100*time.Millisecond || d > time.Hour {
			return errors.New("must be a duration from 100ms to 1h, like 3s")
		}
		*dst = d
		return nil
	}}
}

// config is the run configuration from the global flags.
func (a *app) config(knobs *demos.Bound) demos.Config {
	if !a.seedSet {
		a.seed, a.seedSet = rand.Int64N(1_000_000_000), true
	}
	return demos.Config{Seed: a.seed, Speed: a.speed, Knobs: knobs, Watchdog: a.watchdog}
}

func (a *app) renderer() ui.Renderer {
	if a.json {
		return ui.NewJSON(a.io.Out)
	}
	t := ui.NewText(a.io.Out, ui.NewTheme(a.io.UseColor(a.color)))
	if a.io.OutTTY {
		width := 0
		if a.io.Width != nil {
			width = a.io.Width()
		}
		t.WithProgress(width)
	}
	return t
}

func (a *app) theme() *ui.Theme {
	return ui.NewTheme(!a.json && a.io.UseColor(a.color))
}

func newApp(ctx context.Context, streams *ui.Streams, src fs.FS) *app {
	s := *streams
	out := ui.NewErrWriter(s.Out)
	s.Out = out
	return &app{ctx: ctx, io: &s, out: out, reg: Registry(), speed: 10, color: "auto", watchdog: 3 * time.Second, src: src}
}

// serveChild is the hidden entry point of a child process: a copy of this
// binary started by a process scenario (see internal/proc) plays the role
// named in its environment instead of reading a command line.
func serveChild(reg []demos.Demo) int {
	roles, err := demos.Roles(reg...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pardemo child:", err)
		return 2
	}
	return proc.Serve(roles)
}
