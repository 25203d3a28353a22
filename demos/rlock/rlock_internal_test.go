package rlock

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

// fixesOnly is the scenario without phase 1, so it can run in fake time.
func fixesOnly() (demos.Demo, *outcome) {
	out := &outcome{}
	s := scenario()
	s.Run = func(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
		for _, phase := range []phase{reentrantPhase, idiomPhase} {
			if err := phase(ctx, env, o, out); err != nil {
				return ev.Result{}, err
			}
		}
		return ev.Result{Verdict: "fixes only", Metrics: Metrics{}}, nil
	}
	return s.Demo(), out
}

func TestFixesInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, o := fixesOnly()
		_, c := demotest.MustRun(t, d, 1, "ops=3", "workers=4")
		if o.boxFinal != 0 || o.idiomFinal != 0 || o.maxHolds != 2 || o.nested != 8 || o.nestedIdiom != 8 || o.releaseError != 2 {
			t.Fatalf("outcome %+v", *o)
		}
		// The box runs alternate: adder at 0, 1, 2 story-s, remover half a
		// second later, so the box goes 1, 0, 1, 0, ... and ends at 0.
		var box []string
		for _, e := range c.Events {
			if strings.Contains(e.Msg, "execute") && (e.Actor == "adder" || e.Actor == "remover") {
				box = append(box, fmt.Sprintf("%s@%v: %s", e.Actor, e.T, e.Msg))
			}
		}
		want := []string{
			"adder@0s: add → execute: re-locks (hold count 2); box now 1",
			"remover@500ms: remove → execute: re-locks (hold count 2); box now 0",
			"adder@1s: add → execute: re-locks (hold count 2); box now 1",
			"remover@1.5s: remove → execute: re-locks (hold count 2); box now 0",
			"adder@2s: add → execute: re-locks (hold count 2); box now 1",
			"remover@2.5s: remove → execute: re-locks (hold count 2); box now 0",
			"adder@2.5s: Add → executeLocked: no second Lock; box now 1",
			"remover@3s: Remove → executeLocked: no second Lock; box now 0",
			"adder@3.5s: Add → executeLocked: no second Lock; box now 1",
			"remover@4s: Remove → executeLocked: no second Lock; box now 0",
			"adder@4.5s: Add → executeLocked: no second Lock; box now 1",
			"remover@5s: Remove → executeLocked: no second Lock; box now 0",
		}
		if !slices.Equal(box, want) {
			t.Fatalf("box sequence:\n%s\nwant:\n%s", strings.Join(box, "\n"), strings.Join(want, "\n"))
		}
		// The wrong releases, refused with the lock's own errors.
		for _, w := range []struct{ actor, part string }{
			{"remover", `releases the lock adder holds: "remover" tried to release "adder"'s hold`},
			{"adder", `releases it once more than it took it: "adder" tried to release: re-entrant lock released while nobody holds it`},
		} {
			if demotest.Index(c, w.actor, w.part) < 0 {
				t.Errorf("no %s event %q", w.actor, w.part)
			}
		}
	})
}
