package coroutinecooperative

import (
	"strings"
	"testing"
)

// The verdict fails on each broken claim: a late task that should have
// been on time (either mode), a part off pace, a stall too small to see,
// a blocker that stalled nobody.
func TestVerdictFails(t *testing.T) {
	good := Metrics{Tasks: 4, Blocking: 1, ToleranceMs: 30, CoopMaxDelayMs: 2, CoopWallMs: 603, ExpectedCoopMs: 600,
		BlockerHeldMs: 501, StalledMinDelayMs: 502, BlockingWallMs: 1105, ExpectedBlockingMs: 1100,
		GoroutineMaxDelayMs: 1, GoroutineWallMs: 601}
	if res := conclude(good, 10); !res.Observed {
		t.Fatalf("good run not observed: %s", res.Verdict)
	}
	if out := classify(good); out != "blocker stalled all" {
		t.Errorf("good run: outcome %q", out)
	}
	for name, tc := range map[string]struct {
		edit    func(*Metrics)
		says    string
		outcome string
	}{
		"coop late":      {func(m *Metrics) { m.CoopMaxDelayMs = 45 }, "could not keep the pace", "machine too slow"},
		"goroutine late": {func(m *Metrics) { m.GoroutineMaxDelayMs = 45 }, "could not keep the pace", "machine too slow"},
		"A slow":         {func(m *Metrics) { m.CoopWallMs = 900 }, "could not keep the pace", "machine too slow"},
		"B slow":         {func(m *Metrics) { m.BlockingWallMs = 1600 }, "could not keep the pace", "machine too slow"},
		"C slow":         {func(m *Metrics) { m.GoroutineWallMs = 900 }, "could not keep the pace", "machine too slow"},
		"too fast":       {func(m *Metrics) { m.BlockerHeldMs, m.StalledMinDelayMs = 80, 80 }, "too short at this speed", "too fast to tell"},
		"no stall":       {func(m *Metrics) { m.StalledMinDelayMs = 100 }, "a bug in pardemo", "blocker stalled nobody"},
	} {
		m := good
		tc.edit(&m)
		res := conclude(m, 10)
		if res.Observed || !strings.Contains(res.Verdict, tc.says) {
			t.Errorf("%s: observed %v, verdict %q", name, res.Observed, res.Verdict)
		}
		if out := classify(m); out != tc.outcome {
			t.Errorf("%s: outcome %q, want %q", name, out, tc.outcome)
		}
	}
}

func classify(m Metrics) string {
	for _, o := range outcomes {
		if o.When(&Options{Tasks: m.Tasks, Blocking: m.Blocking}, m) {
			return o.Name
		}
	}
	return ""
}
