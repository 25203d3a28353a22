package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Bounds of the trial count, for verify and for every scenario's --trials.
const (
	maxTrials          = 1_000
	defaultVerifySpeed = 50.0
)

// trialBudget bounds the total time of one scenario's trials, so that a
// large --trials of a slow scenario cannot run for hours: the runs stop
// there, and the table says after how many.
var trialBudget = 10 * time.Minute

// verifyExtra is how many more runs verify makes, one at a time, for a
// scenario whose lesson showed in none of its --trials.
const verifyExtra = 3

// tally is what N runs of one scenario with one set of knobs came to: a
// count per declared outcome, in declaration order, then any unexpected.
type tally struct {
	Demo      string
	Knobs     string // the knobs given, as typed ("--lock"), "" for defaults
	Trials    int
	Shown     int // runs whose lesson showed (Result.Observed)
	Failed    int // runs that ended with an error
	FirstErr  string
	Counts    []outcomeCount
	Seed      int64
	Speed     float64
	Note      string // why the speed is not the one asked for, or that it is above what the scenario can judge
	Wall      time.Duration
	Asked     int  // the trials asked for
	Extra     int  // runs beyond Asked, made because the lesson had not shown yet
	OutOfTime bool // stopped before Asked: trialBudget was spent
}

type outcomeCount struct {
	demos.OutcomeInfo
	Count int
}

func newTally(d demos.Demo) *tally {
	t := &tally{Demo: d.Name}
	for _, o := range d.Outcomes {
		t.Counts = append(t.Counts, outcomeCount{OutcomeInfo: o})
	}
	return t
}

func (t *tally) add(o demos.OutcomeInfo) {
	for i := range t.Counts {
		if t.Counts[i].Name == o.Name && t.Counts[i].Class == o.Class {
			t.Counts[i].Count++
			return
		}
	}
	t.Counts = append(t.Counts, outcomeCount{OutcomeInfo: o, Count: 1})
}

// problems lists why this tally fails verification: a forbidden or
// unexpected outcome, a failed run, or a lesson that never showed.
func (t *tally) problems() []string {
	var out []string
	for _, c := range t.Counts {
		if c.Count > 0 && (c.Class == demos.Forbidden || c.Class == demos.Unexpected) {
			out = append(out, fmt.Sprintf("%s outcome %q in %d of %d trials", c.Class, c.Name, c.Count, t.Trials))
		}
	}
	if t.Failed > 0 {
		out = append(out, fmt.Sprintf("%d of %d runs failed (%s)", t.Failed, t.Trials, t.FirstErr))
	}
	if len(t.Counts) == 0 {
		out = append(out, "declares no outcomes")
	}
	if t.Trials > 0 && t.Shown == 0 && t.Failed < t.Trials {
		out = append(out, fmt.Sprintf("the lesson showed in none of %d trials", t.Trials))
	}
	return out
}

// runTrials runs scenario d n times with fresh knobs from bind, seeds
// seed, seed+1, …, rendering nothing but what each (optional) trial
// callback prints. It stops early on Ctrl-C, returning its error.
//
// extra allows up to that many more runs, one at a time, while the lesson
// has shown in none and nothing went wrong: a lesson that shows most of
// the time is not failed for missing twice in a row on a busy machine
// (the table and the count say how many runs it took).
func (a *app) runTrials(d demos.Demo, bind func() (*demos.Bound, error), n, extra int, seed int64, speed float64, each func(i int, res ev.Result, o demos.OutcomeInfo, err error)) (*tally, error) {
	t := newTally(d)
	t.Seed, t.Speed, t.Asked = seed, speed, n
	start := time.Now()
	for i := 0; i < n || (i < n+extra && t.Shown == 0 && t.clean()); i++ {
		if i > 0 && time.Since(start) > trialBudget {
			t.OutOfTime = true
			break
		}
		knobs, err := bind()
		if err != nil {
			return nil, err
		}
		cfg := demos.Config{Seed: seed + int64(i), Speed: speed, Knobs: knobs, Watchdog: a.watchdog}
		res, _, err := demos.Execute(a.ctx, d, cfg, discard{})
		if errors.Is(err, demos.ErrInterrupted) {
			return t, err
		}
		t.Trials++
		var o demos.OutcomeInfo
		if err != nil {
			t.Failed++
			if t.FirstErr == "" {
				t.FirstErr = oneLine(err.Error())
			}
		} else {
			o = knobs.Classify(res)
			t.add(o)
			if res.Observed {
				t.Shown++
			}
		}
		if each != nil {
			each(i, res, o, err)
		}
	}
	t.Wall = time.Since(start)
	t.Extra = max(0, t.Trials-n)
	return t, nil
}

// clean reports that no run so far failed or was forbidden or unexpected.
func (t *tally) clean() bool {
	for _, c := range t.Counts {
		if c.Count > 0 && (c.Class == demos.Forbidden || c.Class == demos.Unexpected) {
			return false
		}
	}
	return t.Failed == 0
}

// discard renders nothing: verify and --trials show only their tables.
type discard struct{}

func (discard) Begin(ev.Header)                         {}
func (discard) Event(ev.Event)                          {}
func (discard) End(ev.Header, ev.Result, time.Duration) {}
func (discard) Fail(ev.Header, string, int)             {}
func (discard) Summary([]ui.SummaryRow)                 {}
func (discard) Err() error                              { return nil }

// verifyTarget is one argument of verify: a scenario and the knobs typed
// after its name ("race --lock").
type verifyTarget struct {
	d     demos.Demo
	knobs []string
}

// parseTargets reads verify's arguments: each names a scenario, alone
// ("race", "pool primes" as one or two words) or quoted with knobs
// ('race --lock'). No argument means every scenario.
func (a *app) parseTargets(args []string) ([]verifyTarget, error) {
	if len(args) == 0 {
		var all []verifyTarget
		for _, d := range a.reg {
			all = append(all, verifyTarget{d: d})
		}
		return all, nil
	}
	var out []verifyTarget
	for i := 0; i < len(args); i++ {
		words := strings.Fields(args[i])
		if len(words) == 0 {
			return nil, usagef("verify: an empty scenario name")
		}
		// "pool" "primes" given as two arguments.
		if _, ok := find(a.reg, words[0]); !ok && len(words) == 1 && i+1 < len(args) {
			if d, ok := find(a.reg, words[0]+" "+args[i+1]); ok {
				out = append(out, verifyTarget{d: d})
				i++
				continue
			}
		}
		name, rest := words[0], words[1:]
		if len(words) > 1 && !strings.HasPrefix(words[1], "-") {
			name, rest = words[0]+" "+words[1], words[2:]
		}
		d, ok := find(a.reg, name)
		if !ok {
			return nil, unknown("scenario", name, names(a.reg))
		}
		t := verifyTarget{d: d, knobs: rest}
		if _, err := t.bind(); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// bind makes fresh knobs for one run of the target, with its typed knobs
// applied and checked.
func (t verifyTarget) bind() (*demos.Bound, error) {
	b := t.d.Bind()
	fs := pflag.NewFlagSet(t.d.Name, pflag.ContinueOnError)
	fs.SetOutput(discardWriter{})
	for _, p := range b.Params() {
		f := fs.VarPF(&knob{p: p, knobs: b}, p.Name, "", p.Describe())
		if p.Kind == demos.BoolKind {
			f.NoOptDefVal = "true"
		}
	}
	if err := fs.Parse(t.knobs); err != nil {
		return nil, usagef("verify %s: %v", t.d.Name, flagError(err))
	}
	if fs.NArg() > 0 {
		return nil, usagef("verify %s: unexpected %q (knobs are flags)", t.d.Name, fs.Arg(0))
	}
	if err := b.Check(); err != nil {
		return nil, usagef("verify %s: %v", t.d.Name, err)
	}
	return b, nil
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }

func newTrialsValue(dst *int) *value {
	return &value{text: strconv.Itoa(*dst), typ: "int", set: func(s string) error {
		n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			return errors.New("must be a whole number")
		}
		if n < 1 || n > maxTrials {
			return fmt.Errorf("must be from 1 to %s", ev.Int(maxTrials))
		}
		*dst = n
		return nil
	}}
}

func (a *app) newVerify() *cobra.Command {
	trials := 10
	c := &cobra.Command{
		Use:   "verify [NAME…]",
		Short: "Run scenarios many times and check every outcome against its declared class",
		Long: `verify runs each named scenario (all of them when none is named) --trials
times at high speed, with no output but a table per scenario: each declared
outcome, how often it happened, and its class — acceptable, interesting (the
lesson showing) or forbidden — in the manner of jcstress.

It exits 1 when any run was forbidden, matched no declared outcome, or
failed, or when a scenario's lesson showed in none of its trials. Quote a
name with knobs to verify another setting: pardemo verify 'race --lock'.

A scenario whose verdict judges timers that a busy machine delays by tens
of milliseconds declares the highest speed it can judge; verify runs it at
that speed instead of its default, and says so.`,
		Example: "  pardemo verify race --trials 20\n  pardemo verify 'race --lock' 'tickets --lock'\n  pardemo verify --trials 3 --json",
		Args:    cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := a.checkView(true); err != nil {
				return err
			}
			if err := a.refuseTools("verify"); err != nil {
				return err
			}
			targets, err := a.parseTargets(args)
			if err != nil {
				return err
			}
			speed, given := a.speed, true
			if f := c.Flag("speed"); f == nil || !f.Changed {
				speed, given = defaultVerifySpeed, false
			}
			if !a.seedSet {
				a.config(nil) // draws the seed
			}
			var failed []string
			for _, t := range targets {
				sp, note := judgeableSpeed(t.d, speed, given)
				tl, err := a.runTrials(t.d, t.bind, trials, verifyExtra, a.seed, sp, nil)
				if err != nil {
					return renderedIf(a.json, err)
				}
				tl.Note = note
				tl.Knobs = strings.Join(t.knobs, " ")
				probs := tl.problems()
				a.printTally(tl, probs)
				if len(probs) > 0 {
					failed = append(failed, tl.label()+": "+probs[0])
				}
				if err := a.out.Err(); err != nil {
					return err
				}
			}
			if !a.json {
				fmt.Fprintf(a.io.Out, "verify: %d scenario(s), %d trial(s) each, %d failed\n", len(targets), trials, len(failed))
			}
			if len(failed) > 0 {
				return fmt.Errorf("verify failed: %s", strings.Join(failed, "; "))
			}
			return nil
		},
	}
	// A scenario's knob typed after its name, unquoted, reaches verify's
	// own flags: say how to give it.
	c.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		err = flagErrorIn(c, err)
		if msg := err.Error(); strings.HasPrefix(msg, "unknown") && !strings.Contains(msg, "did you mean") {
			return usagef("verify: %s (a scenario's knobs go in quotes with its name: pardemo verify 'race --lock')", msg)
		}
		return err
	})
	c.Flags().Var(newTrialsValue(&trials), "trials", fmt.Sprintf("runs per scenario (1–%s)", ev.Int(maxTrials)))
	return c
}

// judgeableSpeed is the speed to run d's trials at: speed, or d's MaxSpeed
// when speed is verify's own default and above it (a timer's real-time lag
// would then decide the verdict, not the scenario). A speed given above it
// is kept, with a note saying so.
func judgeableSpeed(d demos.Demo, speed float64, given bool) (float64, string) {
	if d.MaxSpeed <= 0 || speed <= d.MaxSpeed {
		return speed, ""
	}
	if given {
		return speed, fmt.Sprintf("above --speed %g this scenario cannot judge its timing on a busy machine", d.MaxSpeed)
	}
	return d.MaxSpeed, fmt.Sprintf("run at --speed %g, the highest at which this scenario can judge its timing", d.MaxSpeed)
}

func (t *tally) label() string {
	if t.Knobs == "" {
		return t.Demo
	}
	return t.Demo + " " + t.Knobs
}

// tallyJSON is verify's JSON line for one scenario (docs/json.md).
type tallyJSON struct {
	Type     string        `json:"type"`
	Demo     string        `json:"demo"`
	Knobs    string        `json:"knobs"`
	Trials   int           `json:"trials"`
	Seed     int64         `json:"seed"`
	Speed    float64       `json:"speed"`
	Shown    int           `json:"lesson_shown"`
	Failed   int           `json:"failed_runs"`
	Outcomes []outcomeJSON `json:"outcomes"`
	OK       bool          `json:"ok"`
	Problems []string      `json:"problems"`
	WallMs   float64       `json:"wall_ms"`
	Note     string        `json:"note,omitempty"`
	Asked    int           `json:"trials_asked"`
}

type outcomeJSON struct {
	Outcome   string      `json:"outcome"`
	Class     demos.Class `json:"class"`
	Desc      string      `json:"description"`
	Count     int         `json:"count"`
	Frequency float64     `json:"frequency"`
}

func (a *app) printTally(t *tally, probs []string) {
	if a.json {
		line := tallyJSON{Type: "verify", Demo: t.Demo, Knobs: t.Knobs, Trials: t.Trials, Seed: t.Seed, Speed: t.Speed,
			Shown: t.Shown, Failed: t.Failed, OK: len(probs) == 0, Problems: probs, WallMs: ev.Ms(t.Wall), Note: t.Note, Asked: t.Asked}
		if line.Problems == nil {
			line.Problems = []string{}
		}
		for _, c := range t.Counts {
			line.Outcomes = append(line.Outcomes, outcomeJSON{Outcome: c.Name, Class: c.Class, Desc: c.Desc, Count: c.Count, Frequency: t.freq(c.Count)})
		}
		enc := json.NewEncoder(a.io.Out)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(line) // a failed write is remembered by a.out
		return
	}
	th := a.theme()
	fmt.Fprintf(a.io.Out, "%s  %d trials, --speed %g, seeds %d…%d\n", th.Bold.Sprint(t.label()), t.Trials, t.Speed, t.Seed, t.Seed+int64(max(t.Trials, 1))-1)
	if t.Note != "" {
		fmt.Fprintf(a.io.Out, "  (%s)\n", t.Note)
	}
	a.outcomeTable(t)
	verdict := fmt.Sprintf("lesson shown in %d of %d trials", t.Shown, t.Trials)
	if t.Extra > 0 {
		verdict += fmt.Sprintf(" (%d more than --trials %d, run because the lesson had not shown yet)", t.Extra, t.Asked)
	}
	a.outOfTime(t)
	if len(probs) == 0 {
		fmt.Fprintf(a.io.Out, "  %s %s\n\n", th.Good.Sprint("ok"), verdict)
		return
	}
	fmt.Fprintf(a.io.Out, "  %s %s\n\n", th.Bad.Sprint("FAILED"), strings.Join(probs, "; "))
}

// outOfTime says when the trials stopped early on the time budget.
func (a *app) outOfTime(t *tally) {
	if t.OutOfTime {
		fmt.Fprintf(a.io.Out, "  stopped after %d of %d trials: the %v budget for one scenario's trials was spent\n", t.Trials, t.Asked, trialBudget)
	}
}

func (t *tally) freq(n int) float64 {
	if t.Trials == 0 {
		return 0
	}
	return float64(n) / float64(t.Trials)
}

// outcomeTable prints one row per outcome: name, count, frequency with a
// bar, class and description. On a terminal the description wraps under
// its column, or, when the screen is too narrow for that, goes on the
// lines below the row.
func (a *app) outcomeTable(t *tally) {
	th := a.theme()
	nw := len("outcome")
	for _, c := range t.Counts {
		nw = max(nw, len([]rune(c.Name)))
	}
	if t.Failed > 0 {
		nw = max(nw, len("run failed"))
	}
	descCol := 2 + nw + 2 + 5 + 2 + 4 + 2 + 10 + 2 + 11 + 2
	width := a.width()
	desc := func(d string) string {
		if width == 0 || descCol+len([]rune(d)) <= width {
			return d
		}
		if width-descCol >= 24 {
			return strings.Join(ui.Wrap(d, width-descCol, width-descCol), "\n"+strings.Repeat(" ", descCol))
		}
		return "\n    " + strings.Join(ui.Wrap(d, width-4, width-4), "\n    ")
	}
	fmt.Fprintf(a.io.Out, "  %-*s  %5s  %4s  %-10s  %-11s  %s\n", nw, "outcome", "count", "freq", "", "class", "description")
	for _, c := range t.Counts {
		f := t.freq(c.Count)
		bar := strings.Repeat("█", int(f*10+0.5)) + strings.Repeat("·", 10-int(f*10+0.5))
		class := fmt.Sprintf("%-11s", c.Class)
		switch {
		case (c.Class == demos.Forbidden || c.Class == demos.Unexpected) && c.Count > 0:
			class = th.Bad.Sprint(class)
		case c.Class == demos.Interesting:
			class = th.Good.Sprint(class)
		}
		name := c.Name + strings.Repeat(" ", nw-len([]rune(c.Name)))
		fmt.Fprintf(a.io.Out, "  %s  %5d  %3.0f%%  %s  %s  %s\n", name, c.Count, 100*f, bar, class, desc(c.Desc))
	}
	if t.Failed > 0 {
		fmt.Fprintf(a.io.Out, "  %-*s  %5d  %3.0f%%  %-10s  %-11s  %s\n", nw, "run failed", t.Failed, 100*t.freq(t.Failed), "", "error", desc(t.FirstErr))
	}
}
