// Package demotest runs scenarios in tests and checks what every scenario
// promises. It records events instead of rendering them, so tests assert on
// what happened, not on how it looked.
package demotest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Capture is the renderer tests record a run with: every header, event,
// result and failure, in order. (A scenario's tests need nothing else of
// the renderers.)
type Capture = ui.Capture

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
	b := Knobs(t, d, knobs...)
	if err := b.Check(); err != nil {
		t.Fatalf("knobs %v rejected: %v", knobs, err)
	}
	capture := &ui.Capture{}
	res, _, err := demos.Execute(ctx, d, demos.Config{Seed: 42, Speed: speed, Knobs: b, Watchdog: 5 * time.Second}, capture)
	return res, capture, err
}

// Knobs binds d's knobs and sets them from "name=value" (a bare "name"
// means true), without the cross-knob Check.
func Knobs(t testing.TB, d demos.Demo, knobs ...string) *demos.Bound {
	t.Helper()
	b := d.Bind()
	for _, k := range knobs {
		name, val, ok := strings.Cut(k, "=")
		if !ok {
			val = "true"
		}
		if err := b.Set(name, val); err != nil {
			t.Fatalf("knob %s: %v", k, err)
		}
	}
	return b
}

// CheckErr returns the cross-knob Check's verdict on knobs.
func CheckErr(t testing.TB, d demos.Demo, knobs ...string) error {
	t.Helper()
	return Knobs(t, d, knobs...).Check()
}

// MustRun is Run that fails the test on error and checks the result's
// metrics are of the scenario's declared type.
func MustRun(t testing.TB, d demos.Demo, speed float64, knobs ...string) (ev.Result, *ui.Capture) {
	t.Helper()
	res, c, err := Run(t, d, speed, knobs...)
	if err != nil {
		t.Fatalf("%s %v: %v", d.Name, knobs, err)
	}
	CheckMetrics(t, d, res)
	return res, c
}

// CheckMetrics fails unless res carries d's metrics type and a verdict.
func CheckMetrics(t testing.TB, d demos.Demo, res ev.Result) {
	t.Helper()
	if got := reflect.TypeOf(res.Metrics); got != d.Metrics {
		t.Errorf("%s: metrics of type %v, declared %v", d.Name, got, d.Metrics)
	}
	if strings.TrimSpace(res.Verdict) == "" {
		t.Errorf("%s: empty verdict", d.Name)
	}
}

// Metrics returns res's metrics as M, failing the test if they are not.
func Metrics[M any](t testing.TB, res ev.Result) M {
	t.Helper()
	m, ok := res.Metrics.(M)
	if !ok {
		t.Fatalf("metrics are %T, want %T", res.Metrics, *new(M))
	}
	return m
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

// Reveal answers d's quiz questions from res, a result of a run with
// knobs (the same "name=value" list the run was given), and fails the
// test unless there is one answer per question, each with a measured
// fact.
func Reveal(t testing.TB, d demos.Demo, res ev.Result, knobs ...string) []demos.Revealed {
	t.Helper()
	b := Knobs(t, d, knobs...)
	rev := b.Reveal(res)
	if len(rev) != len(b.Ask()) || len(rev) == 0 {
		t.Fatalf("%s: %d answers revealed for %d questions", d.Name, len(rev), len(b.Ask()))
	}
	for i, r := range rev {
		if r.Measured == "" {
			t.Errorf("%s: question %d revealed no measured fact", d.Name, i+1)
		}
	}
	return rev
}

// CheckQuizWording holds d's quiz, worded for knobs, to what fits a
// projected 80-column screen: each question in at most 2 lines and each
// choice in at most 60 characters.
func CheckQuizWording(t testing.TB, d demos.Demo, knobs ...string) {
	t.Helper()
	for i, a := range Knobs(t, d, knobs...).Ask() {
		if n := len(ui.Wrap(a.Text, 80, 80)); n > 2 {
			t.Errorf("question %d takes %d lines at 80 columns: %q", i+1, n, a.Text)
		}
		for _, c := range a.Choices {
			if n := utf8.RuneCountInString(c); n > 60 {
				t.Errorf("question %d: choice of %d characters: %q", i+1, n, c)
			}
		}
	}
}

// Answers checks d's quiz answered from a result that carries m alone (a
// hand-built metrics value, so that a test reaches every choice): one
// wanted choice per question, in order, -1 where no choice may come true.
// It fails the test with each question's measured fact when they differ.
func Answers(t testing.TB, d demos.Demo, m any, want ...int) {
	t.Helper()
	checkChoices(t, d, fmt.Sprintf("%+v", m), Reveal(t, d, ev.Result{Metrics: m}), want)
}

// RunAnswers runs d with knobs at speed (MustRun) and checks its quiz's
// answers from that run as Answers does; it returns them.
func RunAnswers(t testing.TB, d demos.Demo, speed float64, knobs []string, want ...int) []demos.Revealed {
	t.Helper()
	res, _ := MustRun(t, d, speed, knobs...)
	rev := Reveal(t, d, res, knobs...)
	checkChoices(t, d, fmt.Sprint(knobs), rev, want)
	return rev
}

func checkChoices(t testing.TB, d demos.Demo, what string, rev []demos.Revealed, want []int) {
	t.Helper()
	for i, w := range want {
		if i >= len(rev) {
			t.Errorf("%s: want an answer to question %d, the quiz has %d", d.Name, i+1, len(rev))
			return
		}
		if rev[i].Choice != w {
			t.Errorf("%s %s: question %d answered %d (%s), want %d", d.Name, what, i+1, rev[i].Choice, rev[i].Measured, w)
		}
	}
}
