package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// slowCoin is a fake scenario that can judge its timing only up to 5×: it
// reports the speed it ran at, and shows its lesson only at 5× or less.
func slowCoin() demos.Demo {
	d := demos.Scenario[coinOptions, coinMetrics]{Name: "slowcoin", ID: "X2", Title: "a slow coin", MaxSpeed: 5,
		Run: func(ctx context.Context, env *demos.Env, o *coinOptions) (ev.Result, error) {
			ok := env.Speed <= 5
			return ev.Result{Verdict: "tossed", Observed: ok, Metrics: coinMetrics{Heads: ok}}, nil
		},
		Outcomes: []demos.Outcome[coinOptions, coinMetrics]{
			{Name: "judged", Class: demos.Interesting, Desc: "the lesson", When: func(o *coinOptions, m coinMetrics) bool { return m.Heads }},
			{Name: "too fast", Class: demos.Acceptable, Desc: "fell behind", When: func(o *coinOptions, m coinMetrics) bool { return !m.Heads }},
		}}.Demo()
	d.Chapter, d.ChapterTitle = 1, "Coins"
	return d
}

// verify runs a scenario at no more than its MaxSpeed unless --speed is
// given, and says so either way; --trials keeps the speed and notes it.
func TestVerifyRespectsMaxSpeed(t *testing.T) {
	reg := []demos.Demo{slowCoin(), coin()}
	out, errOut, code := runFake(t, reg, "verify", "slowcoin", "coin", "--trials", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per scenario:\n%s", out)
	}
	var slow, plain tallyJSON
	if json.Unmarshal([]byte(lines[0]), &slow) != nil || json.Unmarshal([]byte(lines[1]), &plain) != nil {
		t.Fatalf("not JSON:\n%s", out)
	}
	if slow.Speed != 5 || slow.Shown != 2 || !strings.Contains(slow.Note, "--speed 5") {
		t.Errorf("capped scenario: %+v", slow)
	}
	if plain.Speed != defaultVerifySpeed || plain.Note != "" {
		t.Errorf("uncapped scenario: %+v", plain)
	}
	// Asked for 50: run at 50, noted, and the lesson (judged only at 5×)
	// does not show, so verify fails.
	out, _, code = runFake(t, reg, "verify", "slowcoin", "--trials", "2", "--speed", "50")
	if code != 1 || !strings.Contains(out, "--speed 50") || !strings.Contains(out, "above --speed 5 this scenario cannot judge") {
		t.Errorf("--speed 50: exit %d:\n%s", code, out)
	}
	out, _, code = runFake(t, reg, "slowcoin", "--trials", "2", "--speed", "20")
	if code != 0 || !strings.Contains(out, "above --speed 5 this scenario cannot judge") {
		t.Errorf("--trials at 20: exit %d:\n%s", code, out)
	}
}
