// Package demotest runs scenarios in tests and checks what every scenario
// promises. It records events instead of rendering them, so tests assert on
// what happened, not on how it looked.
package demotest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Run executes d with knobs given as "name=value" (a bare "name" means
// true) at speed, with a fixed seed, and returns the result, the captured
// events and the error.
func Run(t testing.TB, d demos.Demo, speed float64, knobs ...string) (ev.Result, *ui.Capture, error) {
	t.Helper()
	return RunCtx(context.Background(), t, d, speed, knobs...)
}

// RunCtx is Run with a caller's context (to test interruption).
func RunCtx(ctx context.Context, t testing.TB, d demos.Demo, speed float64, knobs ...string) (ev.Result, *ui.Capture, error) {
	t.Helper()
	vals := Values(t, d, knobs...)
	if d.Check != nil {
		if err := d.Check(vals); err != nil {
			t.Fatalf("knobs %v rejected: %v", knobs, err)
		}
	}
	capture := &ui.Capture{}
	res, _, err := demos.Execute(ctx, d, demos.Config{Seed: 42, Speed: speed, Values: vals, Watchdog: 5 * time.Second}, capture)
	return res, capture, err
}

// Values parses knobs ("name=value", or a bare "name" for true) for d,
// without the cross-knob Check.
func Values(t testing.TB, d demos.Demo, knobs ...string) *demos.Values {
	t.Helper()
	vals := demos.NewValues(d.Params)
	for _, k := range knobs {
		name, val, ok := strings.Cut(k, "=")
		if !ok {
			val = "true"
		}
		if err := vals.Set(name, val); err != nil {
			t.Fatalf("knob %s: %v", k, err)
		}
	}
	return vals
}

// MustRun is Run that fails the test on error and checks the result's
// metrics carry every key the scenario declares.
func MustRun(t testing.TB, d demos.Demo, speed float64, knobs ...string) (ev.Result, *ui.Capture) {
	t.Helper()
	res, c, err := Run(t, d, speed, knobs...)
	if err != nil {
		t.Fatalf("%s %v: %v", d.Name, knobs, err)
	}
	CheckMetrics(t, d, res)
	return res, c
}

// CheckMetrics fails unless res has every metric d declares and a verdict.
func CheckMetrics(t testing.TB, d demos.Demo, res ev.Result) {
	t.Helper()
	for _, k := range d.Metrics {
		if _, ok := res.Metrics[k]; !ok {
			t.Errorf("%s: metric %q declared but missing from %v", d.Name, k, res.Metrics)
		}
	}
	if strings.TrimSpace(res.Verdict) == "" {
		t.Errorf("%s: empty verdict", d.Name)
	}
}

// Messages returns "actor: msg" for every event, in order, leaving out
// notes (explanations may be reworded without changing behaviour).
func Messages(c *ui.Capture) []string {
	var out []string
	for _, e := range c.Events {
		if e.Kind == ev.Note {
			continue
		}
		out = append(out, e.Actor+": "+e.Msg)
	}
	return out
}

// Index is the position of the first event of actor whose message
// contains part, or -1.
func Index(c *ui.Capture, actor, part string) int {
	return slices.IndexFunc(c.Events, func(e ev.Event) bool {
		return e.Actor == actor && strings.Contains(e.Msg, part)
	})
}
