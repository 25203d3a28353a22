package cmd

import (
	"context"
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
		return demos.Demo{Name: name, ID: "F0", Chapter: 6, Title: "fake " + name,
			Params: []demos.Param{demos.Int("workers", "workers", 2, 1, 8)},
			Run: func(ctx context.Context, env *demos.Env) (ev.Result, error) {
				ran = name + " " + env.Text("workers")
				return ev.Result{Verdict: "ok", Observed: true}, nil
			}}
	}
	run := func(args ...string) (string, string, int) {
		streams, out, errOut := ui.Test()
		a := newApp(context.Background(), streams)
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
