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
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	// Signals stay handled until the process exits (the caller's os.Exit):
	// restoring their default action on the way out would let a late second
	// Ctrl-C kill pardemo between the end of its cleanup and its exit code
	// (the chaos suite caught one: "killed by interrupt, want 130").
	_ = handleSignals(cancel)
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
	speedSet bool // --speed was given: it wins over a scenario's own default
	seed     int64
	seedSet  bool
	json     bool
	color    string
	watchdog time.Duration
	quiet    demos.Quiet   // --quiet: auto, on or off
	args     []string      // the command line, for errors raised before its flags are all read
	src      fs.FS         // the project's source files
	out      *ui.ErrWriter // io.Out: remembers the first failed write

	// The lab views and tools of issue 15.
	view       string // --view: text (the event stream) or timeline (swimlanes after the run)
	quiz       bool   // --quiz: ask the scenario's questions first, reveal the measured answers after
	answer     string // --answer: the quiz answers for scripts, "b" or "b,a"
	trace      string // --trace FILE: a runtime/trace of the run
	cpuprofile string // --cpuprofile FILE: a pprof CPU profile of the run
	tools      *tools // the running --trace/--cpuprofile (gotools.go)
}

// Run executes one command line and returns its exit code. src holds the
// project's source files (see Main).
//
// Every byte for stdout goes through one ErrWriter: a write that fails
// (a full disk, a closed pipe) is a runtime error, exit 1 with one line on
// stderr, whatever the command was — a scenario, help, --version.
func Run(ctx context.Context, args []string, streams *ui.Streams, src fs.FS) int {
	a := newApp(ctx, streams, src)
	a.args = args
	root := a.newRoot()
	if len(args) > 1 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		// Completing a lab command's flags offers only the globals it takes.
		if c, _, err := root.Find(args[1:]); err == nil {
			showGlobalsFor(root, c)
		}
	}
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
	if (a.json || wantsJSON(a.args)) && !errors.As(err, &rendered) && a.out.Err() == nil {
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
	root.SetFlagErrorFunc(flagErrorIn)
	// Help wraps to the terminal too (width 0, piped: no wrapping): flags,
	// the command list (hanging under the descriptions) and the long text.
	templateFuncs.Do(func() {
		cobra.AddTemplateFunc("pdHang", func(s string, pad, width int) string {
			if width <= 0 {
				return s
			}
			return strings.Join(ui.Wrap(s, width-pad-3, width-pad-3), "\n"+strings.Repeat(" ", pad+3))
		})
		cobra.AddTemplateFunc("pdWrap", func(s string, width int) string {
			if width <= 0 {
				return s
			}
			var out []string
			for line := range strings.Lines(s) {
				line = strings.TrimRight(line, "\n")
				if utf8.RuneCountInString(line) <= width {
					out = append(out, line)
					continue
				}
				out = append(out, ui.Wrap(line, width, width)...)
			}
			return strings.Join(out, "\n")
		})
	})
	// Piped (width 0) cobra's own templates stay: they are not wrapped,
	// and they ignore a failed write, which Run reports as one line.
	if w := a.width(); w > 0 {
		a.wrapHelp(root, w)
	}
	pf := root.PersistentFlags()
	pf.Var(newSpeed(&a.speed, &a.speedSet), "speed", fmt.Sprintf("story seconds are divided by this (1 = the cookbook's real pacing; %g–%g; some scenarios have a default of their own, shown in their help)", minSpeed, maxSpeed))
	pf.Var(newSeed(&a.seed, &a.seedSet), "seed", "seed for every random choice (printed with each run, so it can be replayed)")
	pf.VarPF(newBool(&a.json), "json", "", "print JSON lines (events, then the result) instead of text").NoOptDefVal = "true"
	pf.Var(newChoice(&a.color, "auto", "always", "never"), "color", "colour output: auto|always|never (NO_COLOR is honoured)")
	pf.Var(newWatchdog(&a.watchdog), "watchdog", "end a scenario that makes no progress for this long")
	pf.VarPF(newQuiet(&a.quiet), "quiet", "", "key events only (default: only when a run would flood the screen; --quiet=false shows every event)").NoOptDefVal = "true"
	pf.Var(newChoice(&a.view, "text", "timeline"), "view", "text: the events as they happen; timeline: a swimlane of who ran, waited and held what, drawn after the run")
	pf.VarPF(newBool(&a.quiz), "quiz", "", "predict, then reveal: answer the scenario's questions before it runs, see the measured answers after").NoOptDefVal = "true"
	pf.StringVar(&a.answer, "answer", "", "the --quiz answers, one letter per question, comma-separated (\"b\" or \"b,a\"), instead of asking")
	pf.StringVar(&a.trace, "trace", "", "write a runtime/trace of the run to this file, for 'go tool trace': each actor is a task; pardemo's own process only, not its child processes")
	pf.StringVar(&a.cpuprofile, "cpuprofile", "", "write a pprof CPU profile of the run to this file, for 'go tool pprof': pardemo's own process only, not its child processes")

	words := func(w ...string) cobra.CompletionFunc {
		return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return w, cobra.ShellCompDirectiveNoFileComp
		}
	}
	_ = root.RegisterFlagCompletionFunc("color", words("auto", "always", "never"))
	_ = root.RegisterFlagCompletionFunc("json", words("true", "false"))
	_ = root.RegisterFlagCompletionFunc("quiet", words("true", "false"))
	_ = root.RegisterFlagCompletionFunc("view", words("text", "timeline"))
	_ = root.RegisterFlagCompletionFunc("quiz", words("true", "false"))
	for _, f := range []string{"speed", "seed", "watchdog", "answer"} {
		_ = root.RegisterFlagCompletionFunc(f, words())
	}

	root.AddGroup(&cobra.Group{ID: "lab", Title: "Lab commands:"})
	for _, c := range []*cobra.Command{a.newList(), a.newExplain(), a.newSource(), a.newRunAll(), a.newVerify(), a.newTimeline()} {
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
		comp.Args = cobra.ArbitraryArgs
		comp.RunE = func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			var shells []string
			for _, sub := range c.Commands() {
				if sub.IsAvailableCommand() {
					shells = append(shells, sub.Name())
				}
			}
			slices.Sort(shells)
			if s := suggest(args[0], shells); s != "" && s != args[0] && distance(s, args[0]) <= 1 {
				return usagef("unknown shell %q (did you mean %q?)", args[0], s)
			}
			return usagef("unknown shell %q: pardemo completes %s", args[0], strings.Join(shells, ", "))
		}
	}
	visit(root, func(c *cobra.Command) { c.Args = usageArgs(c.Args) })
	refuseQuizFlags(root) // verify takes neither --quiz nor --answer, run-all no --answer
	// The global flags are a scenario run's; a lab command takes only
	// those it uses, and its help lists only those.
	for name, allowed := range map[string][]string{
		"list": {"json", "color"}, "timeline": {"color"}, "explain": {"color"}, "source": {"color"}, "completion": nil,
	} {
		if c, _, err := root.Find([]string{name}); err == nil && c != root {
			visit(c, func(c *cobra.Command) { limitGlobals(root, c, allowed) })
		}
	}
	return root
}

// limitGlobals makes c refuse, and its help leave out, the global flags
// not in allowed.
func limitGlobals(root, c *cobra.Command, allowed []string) {
	refuse := func() []*pflag.Flag {
		var out []*pflag.Flag
		root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
			if !slices.Contains(allowed, f.Name) {
				out = append(out, f)
			}
		})
		return out
	}
	c.PreRunE = func(c *cobra.Command, _ []string) error {
		for _, f := range refuse() {
			if c.Flags().Changed(f.Name) {
				return usagef("--%s does not apply to '%s'", f.Name, c.CommandPath())
			}
		}
		return nil
	}
	c.SetHelpFunc(func(c *cobra.Command, args []string) {
		// This tree serves one command line: hiding is for this help only.
		for _, f := range refuse() {
			f.Hidden = true
		}
		root.HelpFunc()(c, args)
	})
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[globalsKey] = strings.Join(allowed, ",")
}

// globalsKey annotates a command that takes only some global flags.
const globalsKey = "pardemo-globals"

// showGlobalsFor hides the global flags that c does not take, and shows
// the others, for a document that describes c alone (a docs/cli page).
func showGlobalsFor(root, c *cobra.Command) {
	allowed, limited := c.Annotations[globalsKey]
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		f.Hidden = limited && !slices.Contains(strings.Split(allowed, ","), f.Name)
	})
}

// pageGlobals is a doc generator's file prepender that prepares the page
// of the command named by the file (pardemo_list.md) with showGlobalsFor.
func pageGlobals(root *cobra.Command) func(string) string {
	return func(filename string) string {
		visit(root, func(c *cobra.Command) {
			if strings.ReplaceAll(c.CommandPath(), " ", "_")+".md" == filepath.Base(filename) {
				showGlobalsFor(root, c)
			}
		})
		return ""
	}
}

// wrapHelp makes help wrap to w columns: flags, the command list
// (hanging under the descriptions) and the long text.
func (a *app) wrapHelp(root *cobra.Command, w int) {
	usage := strings.ReplaceAll(root.UsageTemplate(), "Flags.FlagUsages |", fmt.Sprintf("Flags.FlagUsagesWrapped %d |", w))
	usage = strings.ReplaceAll(usage, "{{rpad .Name .NamePadding }} {{.Short}}", fmt.Sprintf("{{rpad .Name .NamePadding }} {{pdHang .Short .NamePadding %d}}", w))
	root.SetUsageTemplate(usage)
	root.SetHelpTemplate(strings.Replace(root.HelpTemplate(), "{{. | trimTrailingWhitespaces}}", fmt.Sprintf("{{pdWrap . %d | trimTrailingWhitespaces}}", w), 1))
}

// templateFuncs registers the help templates' functions, once per process
// (cobra's function map is global; the width is passed in each template).
var templateFuncs sync.Once

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
	if c.ArgsLenAtDash() == 0 && slices.Contains(cands, args[0]) {
		// `pardemo -- race`: "--" ends the flags and the commands alike.
		return usagef("%q after \"--\" is not read as a command: run '%s %s'", args[0], c.CommandPath(), strings.Join(args, " "))
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

// version is the module version or, for a build from a checkout, the VCS
// commit (with "+dirty" for uncommitted changes), then the Go version and
// the OS/arch: `pardemo --version` says which pardemo a report came from.
func version() string {
	v, goVersion := "dev", runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		} else {
			var rev, when string
			dirty := false
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.time":
					when = s.Value
				case "vcs.modified":
					dirty = s.Value == "true"
				}
			}
			if rev != "" {
				v = "dev, commit " + rev[:min(12, len(rev))]
				if dirty {
					v += "+dirty"
				}
				if when != "" {
					v += " (" + when + ")"
				}
			}
		}
	}
	return fmt.Sprintf("%s, %s, %s/%s", v, goVersion, runtime.GOOS, runtime.GOARCH)
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

func newSpeed(dst *float64, given *bool) *value {
	return &value{text: strconv.FormatFloat(*dst, 'g', -1, 64), typ: "float", set: func(s string) error {
		f, err := demos.ParseFloat(s, minSpeed, maxSpeed)
		if err != nil {
			return err
		}
		*dst, *given = f, true
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

// newBool is an on/off flag in pardemo's wording (demos.ParseBool).
func newBool(dst *bool) *value {
	return &value{text: strconv.FormatBool(*dst), typ: "bool", set: func(s string) error {
		b, err := demos.ParseBool(s)
		if err != nil {
			return err
		}
		*dst = b
		return nil
	}}
}

// newQuiet is --quiet: given alone or true, key events only; false, every
// event; not given, the scenario's flood rule decides.
func newQuiet(dst *demos.Quiet) *value {
	return &value{text: "auto", typ: "bool", set: func(s string) error {
		b, err := demos.ParseBool(s)
		if err != nil {
			return err
		}
		*dst = demos.QuietOff
		if b {
			*dst = demos.QuietOn
		}
		return nil
	}}
}

// wantsJSON reads --json from the command line itself, for an error that
// stopped the parse before the flag was reached (`race --count -1 --json`):
// the JSON error line must not depend on the order of the flags.
func wantsJSON(args []string) bool {
	on := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--json="); ok {
			b, err := demos.ParseBool(v)
			on = err == nil && b
		} else if a == "--json" {
			on = true
		}
	}
	return on
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
	q := a.quiet
	if q == demos.QuietAuto && (a.json || a.view == "timeline") {
		q = demos.QuietOff // scripts and the timeline get every event unless --quiet is given
	}
	return demos.Config{Seed: a.seed, Speed: a.speed, Knobs: knobs, Watchdog: a.watchdog, Quiet: q}
}

// configFor is config for a run of d: without --speed, d's own default
// speed (the pacing rule: 1–6 s at the default).
func (a *app) configFor(d demos.Demo, knobs *demos.Bound) demos.Config {
	cfg := a.config(knobs)
	if !a.speedSet && d.Speed > 0 {
		cfg.Speed = d.Speed
	}
	return cfg
}

func (a *app) renderer() ui.Renderer {
	if a.json {
		return ui.NewJSON(a.io.Out)
	}
	if a.view == "timeline" {
		return a.timeline()
	}
	t := ui.NewText(a.io.Out, ui.NewTheme(a.io.UseColor(a.color)))
	if a.io.OutTTY {
		width := 0
		if a.io.Width != nil {
			width = a.io.Width()
		}
		t.WithProgress(width)
		t.WithWidth(a.width())
	}
	return t
}

// width is the screen's width for wrapping: the terminal's, 80 when a
// terminal does not say, and 0 (no wrapping) when stdout is not one.
func (a *app) width() int {
	if !a.io.OutTTY {
		return 0
	}
	if a.io.Width != nil {
		if w := a.io.Width(); w > 0 {
			return w
		}
	}
	return ui.DefaultWidth
}

func (a *app) theme() *ui.Theme {
	return ui.NewTheme(!a.json && a.io.UseColor(a.color))
}

func newApp(ctx context.Context, streams *ui.Streams, src fs.FS) *app {
	s := *streams
	out := ui.NewErrWriter(s.Out)
	s.Out = out
	return &app{ctx: ctx, io: &s, out: out, reg: Registry(), speed: 10, color: "auto", view: "text", watchdog: 3 * time.Second, src: src}
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
