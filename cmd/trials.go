package cmd

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// addTrials gives scenario command c the generic --trials knob when the
// scenario declares outcomes and has no trials knob of its own (race's
// shows its own distribution). It returns the count to read at run time.
func addTrials(c *cobra.Command, d demos.Demo, knobs *demos.Bound) *int {
	if len(d.Outcomes) == 0 {
		return nil
	}
	for _, p := range knobs.Params() {
		if p.Name == "trials" {
			return nil
		}
	}
	n := 1
	c.Flags().Var(newTrialsValue(&n), "trials", fmt.Sprintf("run the lesson this many times and show how often each outcome happened (1–%s)", ev.Int(maxTrials)))
	return &n
}

// trialLine is the JSON line of one trial under --trials (docs/json.md).
type trialLine struct {
	Type     string      `json:"type"`
	Demo     string      `json:"demo"`
	Trial    int         `json:"trial"`
	Seed     int64       `json:"seed"`
	Outcome  string      `json:"outcome"`
	Class    demos.Class `json:"class"`
	Observed bool        `json:"lesson_observed"`
	Verdict  string      `json:"verdict"`
	Error    string      `json:"error,omitempty"`
}

// runTrialsCommand is `pardemo NAME --trials N`: N quiet runs with the
// knobs given, one line per trial when there are few, then the outcome
// table. Unlike verify it exits 0 whatever the outcomes, as a single run
// does: the table says what happened.
func (a *app) runTrialsCommand(d demos.Demo, knobs *demos.Bound, n int) error {
	// The scenario's own speed unless --speed was given; a speed given
	// above what the scenario can judge is kept, with a note.
	cfg := a.configFor(d, knobs)
	th := a.theme()
	speed, note := judgeableSpeed(d, cfg.Speed, a.speedSet)
	cfg.Speed = speed
	if !a.json {
		fmt.Fprintf(a.io.Out, "%s  %d trials, --speed %g, seeds %d…%d\n", th.Bold.Sprint(d.Name), n, cfg.Speed, cfg.Seed, cfg.Seed+int64(n)-1)
		if note != "" {
			fmt.Fprintf(a.io.Out, "  (%s)\n", note)
		}
	}
	enc := json.NewEncoder(a.io.Out)
	enc.SetEscapeHTML(false)
	each := func(i int, res ev.Result, o demos.OutcomeInfo, err error) {
		line := trialLine{Type: "trial", Demo: d.Name, Trial: i + 1, Seed: cfg.Seed + int64(i), Outcome: o.Name, Class: o.Class, Observed: res.Observed, Verdict: res.Verdict}
		if err != nil {
			line.Error = oneLine(err.Error())
		}
		if a.json {
			_ = enc.Encode(line)
			return
		}
		if n <= 20 {
			what := fmt.Sprintf("%s (%s)", o.Name, o.Class)
			if err != nil {
				what = "failed: " + line.Error
			}
			fmt.Fprintf(a.io.Out, "  trial %*d  seed %d  %s\n", len(fmt.Sprint(n)), i+1, line.Seed, what)
		}
	}
	bind := func() (*demos.Bound, error) { return knobs, nil }
	t, err := a.runTrials(d, bind, n, 0, cfg.Seed, cfg.Speed, each)
	if err != nil {
		return renderedIf(a.json, err)
	}
	t.Note = note
	probs := t.problems()
	if a.json {
		a.printTally(t, probs)
		return a.out.Err()
	}
	a.outcomeTable(t)
	a.outOfTime(t)
	fmt.Fprintf(a.io.Out, "  lesson shown in %d of %d trials\n", t.Shown, t.Trials)
	return a.out.Err()
}
