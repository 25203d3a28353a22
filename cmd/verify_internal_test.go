package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

type coinOptions struct{ Rigged, Tails bool }

// coinMetrics is a fake scenario's metrics: which side the seed chose.
type coinMetrics struct {
	Heads bool `json:"heads"` // the coin came up heads
}

// coin is a fake scenario whose outcome follows the seed: heads on odd
// seeds. Heads is the lesson; a rigged coin (--rigged) lands on its
// edge, which is forbidden.
func coin() demos.Demo {
	d := demos.Scenario[coinOptions, coinMetrics]{Name: "coin", ID: "X1", Title: "a coin",
		Knobs: func(k *demos.Knobs, o *coinOptions) {
			k.Bool(&o.Rigged, "rigged", "a rigged coin")
			k.Bool(&o.Tails, "tails", "a coin with two tails")
		},
		Run: func(ctx context.Context, env *demos.Env, o *coinOptions) (ev.Result, error) {
			heads := env.Seed%2 == 1 && !o.Tails
			if o.Rigged {
				return ev.Result{Verdict: "edge", Metrics: coinMetrics{}}, nil
			}
			return ev.Result{Verdict: "tossed", Observed: heads, Metrics: coinMetrics{Heads: heads}}, nil
		},
		Outcomes: []demos.Outcome[coinOptions, coinMetrics]{
			{Name: "heads", Class: demos.Interesting, Desc: "the lesson", When: func(o *coinOptions, m coinMetrics) bool { return !o.Rigged && m.Heads }},
			{Name: "tails", Class: demos.Acceptable, Desc: "not the lesson", When: func(o *coinOptions, m coinMetrics) bool { return !o.Rigged && !m.Heads }},
			{Name: "edge", Class: demos.Forbidden, Desc: "a rigged coin", When: func(o *coinOptions, m coinMetrics) bool { return o.Rigged }},
		}}.Demo()
	d.Chapter, d.ChapterTitle = 1, "Coins"
	return d
}

func runFake(t *testing.T, reg []demos.Demo, args ...string) (string, string, int) {
	t.Helper()
	streams, out, errOut := ui.Test()
	a := newApp(context.Background(), streams, nil)
	a.reg = reg
	root := a.newRoot()
	root.SetArgs(args)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	code := a.exit(root.Execute())
	return out.String(), errOut.String(), code
}

func TestVerifyTable(t *testing.T) {
	reg := []demos.Demo{coin()}
	out, errOut, code := runFake(t, reg, "verify", "coin", "--trials", "4", "--seed", "10")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
	rows := map[string]string{}
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) >= 5 {
			rows[f[0]] = strings.Join(append(f[1:3:3], f[4]), " ")
		}
	}
	for name, want := range map[string]string{"heads": "2 50% interesting", "tails": "2 50% acceptable", "edge": "0 0% forbidden"} {
		if rows[name] != want {
			t.Errorf("row %s = %q, want %q:\n%s", name, rows[name], want, out)
		}
	}
	if !strings.Contains(out, "lesson shown in 2 of 4 trials") {
		t.Errorf("no lesson count:\n%s", out)
	}
}

func TestVerifyFails(t *testing.T) {
	reg := []demos.Demo{coin()}
	// A forbidden outcome fails verification, with one line on stderr.
	out, errOut, code := runFake(t, reg, "verify", "coin --rigged", "--trials", "2")
	if code != ExitRuntime || !strings.Contains(errOut, `forbidden outcome "edge" in 2 of 2 trials`) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("forbidden: exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
	// A lesson that never showed fails it too, after up to three more
	// runs than asked for.
	_, errOut, code = runFake(t, reg, "verify", "coin --tails", "--trials", "2", "--seed", "10")
	if code != ExitRuntime || !strings.Contains(errOut, "the lesson showed in none of 5 trials") {
		t.Errorf("never shown: exit %d, stderr %q", code, errOut)
	}
	// One that shows on a later run passes, and the count says so: seed
	// 10 is tails, 11 heads.
	out, _, code = runFake(t, reg, "verify", "coin", "--trials", "1", "--seed", "10")
	if code != 0 || !strings.Contains(out, "lesson shown in 1 of 2 trials (1 more than --trials 1") {
		t.Errorf("shown late: exit %d, out:\n%s", code, out)
	}
	// Bad input is a usage error.
	if _, errOut, _ := runFake(t, reg, "verify", "coin", "--rigged"); !strings.Contains(errOut, "knobs go in quotes with its name") {
		t.Errorf("an unquoted knob: stderr %q", errOut)
	}
	if _, errOut, _ := runFake(t, reg, "verify", "--trails", "2"); !strings.Contains(errOut, "did you mean --trials") {
		t.Errorf("--trails: stderr %q", errOut)
	}
	for _, args := range [][]string{{"verify", "coni"}, {"verify", "coin", "--trials", "0"}, {"verify", "coin --rigged=maybe"}, {"verify", "coin --nope"}, {"verify", "coin", "--rigged"}, {"verify", "--trails", "2"}} {
		if _, errOut, code := runFake(t, reg, args...); code != ExitUsage || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	out, _, code := runFake(t, []demos.Demo{coin()}, "verify", "coin", "--trials", "3", "--seed", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var line tallyJSON
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if line.Type != "verify" || line.Trials != 3 || line.Shown != 2 || !line.OK || len(line.Outcomes) != 3 || line.Outcomes[0].Count != 2 || line.Outcomes[1].Count != 1 {
		t.Errorf("verify line %+v", line)
	}
}

// Every scenario that declares outcomes gets --trials; a run with it
// prints the outcome table and exits 0 whatever happened.
func TestGenericTrials(t *testing.T) {
	out, errOut, code := runFake(t, []demos.Demo{coin()}, "coin", "--trials", "3", "--seed", "4")
	if code != 0 || !strings.Contains(out, "trial 1  seed 4  tails (acceptable)") || !strings.Contains(out, "trial 2  seed 5  heads (interesting)") || !strings.Contains(out, "lesson shown in 1 of 3 trials") {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
	out, _, code = runFake(t, []demos.Demo{coin()}, "coin", "--trials", "2", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], `"type":"trial"`) || !strings.Contains(lines[2], `"type":"verify"`) {
		t.Errorf("json trials: exit %d, out:\n%s", code, out)
	}
}

// The registry's outcome declarations are well formed.
func TestOutcomeDeclarationsValid(t *testing.T) {
	for _, d := range Registry() {
		if err := d.CheckOutcomes(); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
}

// A large --trials stops on the time budget and says so.
func TestTrialsBudget(t *testing.T) {
	defer func(b time.Duration) { trialBudget = b }(trialBudget)
	trialBudget = 0
	out, errOut, code := runFake(t, []demos.Demo{coin()}, "coin", "--trials", "50", "--seed", "1")
	if code != 0 || !strings.Contains(out, "stopped after 1 of 50 trials") || !strings.Contains(out, "lesson shown in 1 of 1 trials") {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
}

// On an 80-column terminal the outcome table wraps its descriptions.
func TestVerifyTableFitsTheScreen(t *testing.T) {
	long := coin()
	long.Outcomes[1].Desc = strings.Repeat("a long description of tails ", 6)
	for _, width := range []int{60, 80, 120} {
		streams, out, _ := ui.Test()
		streams.OutTTY = true
		streams.Width = func() int { return width }
		a := newApp(context.Background(), streams, nil)
		a.reg = []demos.Demo{long}
		root := a.newRoot()
		root.SetArgs([]string{"verify", "coin", "--trials", "2", "--color", "never"})
		if code := a.exit(root.Execute()); code != 0 {
			t.Fatalf("width %d: exit %d: %s", width, code, out)
		}
		for line := range strings.Lines(out.String()) {
			if n := len([]rune(strings.TrimRight(line, "\n"))); n > width {
				t.Errorf("width %d: a line of %d columns: %q", width, n, line)
			}
		}
		if !strings.Contains(out.String(), "tails") {
			t.Errorf("width %d: no tails row:\n%s", width, out)
		}
	}
}

// --trials runs at the scenario's own speed unless --speed is given.
func TestTrialsKeepTheScenariosSpeed(t *testing.T) {
	slow := coin()
	slow.Speed = 3
	if out, _, _ := runFake(t, []demos.Demo{slow}, "coin", "--trials", "2"); !strings.Contains(out, "2 trials, --speed 3,") {
		t.Errorf("own speed not used:\n%s", out)
	}
	if out, _, _ := runFake(t, []demos.Demo{slow}, "coin", "--trials", "2", "--speed", "7"); !strings.Contains(out, "2 trials, --speed 7,") {
		t.Errorf("--speed given not used:\n%s", out)
	}
}
