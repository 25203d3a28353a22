package coroutinegenerator

import (
	"strings"
	"testing"
)

// The verdict fails on each broken claim, and on a run that was too slow.
func TestVerdictFails(t *testing.T) {
	good := Metrics{Trays: 7, Buns: 8, FirstAte: 30, SecondAte: 26, SplitsOK: true, TotalsAgree: true, OrderOK: true,
		WallMs: 2110, ExpectedMs: 2100}
	if res := conclude(good, 10); !res.Observed {
		t.Fatalf("good run not observed: %s", res.Verdict)
	}
	for name, tc := range map[string]struct {
		edit func(*Metrics)
		says string
	}{
		"split":    {func(m *Metrics) { m.SplitsOK = false }, "not split in full"},
		"count":    {func(m *Metrics) { m.SecondAte = 25 }, "not split in full"},
		"totals":   {func(m *Metrics) { m.TotalsAgree = false }, "yielded back a total"},
		"order":    {func(m *Metrics) { m.OrderOK = false }, "out of turn"},
		"too slow": {func(m *Metrics) { m.WallMs = 3000 }, "could not keep the pace"},
	} {
		m := good
		tc.edit(&m)
		res := conclude(m, 10)
		if res.Observed || !strings.Contains(res.Verdict, tc.says) {
			t.Errorf("%s: observed %v, verdict %q", name, res.Observed, res.Verdict)
		}
		want := "buns unaccounted"
		if name == "too slow" {
			want = "all buns accounted"
		}
		if out := classify(m); out != want {
			t.Errorf("%s: outcome %q", name, out)
		}
	}
}

func classify(m Metrics) string {
	for _, o := range outcomes {
		if o.When(&Options{Trays: m.Trays, Buns: m.Buns}, m) {
			return o.Name
		}
	}
	return ""
}
