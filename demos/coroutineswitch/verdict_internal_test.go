package coroutineswitch

import (
	"strings"
	"testing"
)

// The verdict fails on each broken claim, and on a run that was too slow.
func TestVerdictFails(t *testing.T) {
	good := Metrics{Times: 3, GreenletOrderOK: true, GoroutineOrderOK: true, MaxActive: 1, Switches: 5, LeftSuspended: true,
		GreenletWallMs: 600, GoroutineWallMs: 610, ExpectedMs: 600}
	if res := conclude(good, 10); !res.Observed {
		t.Fatalf("good run not observed: %s", res.Verdict)
	}
	for name, tc := range map[string]struct {
		edit func(*Metrics)
		says string
	}{
		"order A":     {func(m *Metrics) { m.GreenletOrderOK = false }, "out of order"},
		"order B":     {func(m *Metrics) { m.GoroutineOrderOK = false }, "out of order"},
		"two at once": {func(m *Metrics) { m.MaxActive = 2 }, "2 turns were in progress at once"},
		"not parked":  {func(m *Metrics) { m.LeftSuspended = false }, "not left suspended"},
		"too slow":    {func(m *Metrics) { m.GoroutineWallMs = 900 }, "could not keep the pace"},
	} {
		m := good
		tc.edit(&m)
		res := conclude(m, 10)
		if res.Observed || !strings.Contains(res.Verdict, tc.says) {
			t.Errorf("%s: observed %v, verdict %q", name, res.Observed, res.Verdict)
		}
		if out := classify(m); name != "too slow" && out != "out of order" {
			t.Errorf("%s: outcome %q", name, out)
		}
	}
}

// classify names the first declared outcome that matches m.
func classify(m Metrics) string {
	for _, o := range outcomes {
		if o.When(&Options{Times: m.Times}, m) {
			return o.Name
		}
	}
	return ""
}
