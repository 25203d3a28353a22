package cmd

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// Scenarios with two-word names ("pool primes") hang under a group
// command; the group helps, suggests, and runs its members.
func TestGroupedScenarios(t *testing.T) {
	ran := ""
	mk := func(name string) demos.Demo {
		d := demos.Scenario[fakeOptions, fakeMetrics]{Name: name, ID: "F0", Title: "fake " + name,
			Knobs: func(k *demos.Knobs, o *fakeOptions) { k.Int(&o.Workers, "workers", "workers", 2, 1, 8) },
			Run: func(ctx context.Context, env *demos.Env, o *fakeOptions) (ev.Result, error) {
				ran = fmt.Sprint(name, " ", o.Workers)
				return ev.Result{Verdict: "ok", Observed: true, Metrics: fakeMetrics{}}, nil
			}}.Demo()
		d.Chapter, d.ChapterTitle = 6, "Pools and futures"
		return d
	}
	run := func(args ...string) (string, string, int) {
		streams, out, errOut := ui.Test()
		a := newApp(context.Background(), streams, nil)
		a.reg = []demos.Demo{mk("pool primes"), mk("pool sum")}
		root := a.newRoot()
		root.SetArgs(args)
		root.SetOut(streams.Out)
		root.SetErr(streams.Err)
		code := a.exit(root.Execute())
		return out.String(), errOut.String(), code
	}

	if _, errOut, code := run("pool", "primes", "--workers", "4", "--speed", "1000"); code != 0 || ran != "pool primes 4" {
		t.Fatalf("code %d, ran %q, stderr %q", code, ran, errOut)
	}
	if _, errOut, code := run("pool", "prims"); code != ExitUsage || !strings.Contains(errOut, `did you mean "primes"`) {
		t.Errorf("pool prims: code %d, stderr %q", code, errOut)
	}
	if out, _, code := run("pool"); code != 0 || !strings.Contains(out, "primes") || !strings.Contains(out, "sum") {
		t.Errorf("pool: code %d, help %q", code, out)
	}
	if out, _, code := run("explain", "pool", "sum"); code != 0 || !strings.Contains(out, "fake pool sum") {
		t.Errorf("explain pool sum: code %d, out %q", code, out)
	}
	if out, _, code := run("list"); code != 0 || !strings.Contains(out, "pool primes") {
		t.Errorf("list: code %d, out %q", code, out)
	}
	if _, errOut, code := run("pool", "sum", "--workers", "9"); code != ExitUsage || !strings.Contains(errOut, "--workers") {
		t.Errorf("bounds: code %d, stderr %q", code, errOut)
	}
}

type fakeOptions struct{ Workers int }

type fakeMetrics struct{}
