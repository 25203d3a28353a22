package cmd_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ui"
)

// outcomeSpeed is the high --speed of TestOutcomesDeclared's runs: twice
// verify's, so a scenario that cannot judge itself that fast shows it by
// a "fell behind"-like acceptable outcome, never a forbidden one.
const outcomeSpeed = 100

// TestOutcomesDeclared: every registered scenario declares its outcomes
// (issue 12 §3), well formed, with at least one that is not forbidden;
// and one default run of each, at a high speed, ends without an error in
// a declared outcome that is not forbidden. `pardemo verify` relies on
// both: a run that matches no declared outcome is "unexpected" and fails
// verification like a forbidden one.
func TestOutcomesDeclared(t *testing.T) {
	for _, d := range cmd.Registry() {
		t.Run(d.Name, func(t *testing.T) {
			if len(d.Outcomes) == 0 {
				t.Fatalf("%s declares no outcomes (demos.Scenario.Outcomes; see docs/design.md)", d.Name)
			}
			if err := d.CheckOutcomes(); err != nil {
				t.Fatalf("%s: malformed outcomes: %v", d.Name, err)
			}
			allowed := 0
			for _, o := range d.Outcomes {
				if o.Class != demos.Forbidden {
					allowed++
				}
			}
			if allowed == 0 {
				t.Fatalf("%s: every declared outcome is forbidden", d.Name)
			}
			if testing.Short() || runtime.GOOS != "linux" {
				return // the runs: on Linux, where every scenario runs
			}
			knobs := d.Bind()
			start := time.Now()
			res, _, err := demos.Execute(context.Background(), d,
				demos.Config{Seed: 1, Speed: outcomeSpeed, Knobs: knobs, Watchdog: 10 * time.Second}, &ui.Capture{})
			if err != nil {
				t.Fatalf("a default run at --speed %d failed after %v: %v", outcomeSpeed, time.Since(start).Round(time.Millisecond), err)
			}
			o := knobs.Classify(res)
			switch o.Class {
			case demos.Forbidden, demos.Unexpected:
				t.Errorf("a default run at --speed %d (seed 1) is %s: %q (%s); verdict %q", outcomeSpeed, o.Class, o.Name, o.Desc, res.Verdict)
			}
			t.Logf("%s: %q (%s) in %v", d.Name, o.Name, o.Class, time.Since(start).Round(time.Millisecond))
		})
	}
}
