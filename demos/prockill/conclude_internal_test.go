package prockill

import (
	"strings"
	"testing"
)

func good() Metrics {
	return Metrics{AliveRunning: true, ExitcodeRunning: "None", ExitCode: 3, Endings: []Ending{
		{How: "terminated", Exitcode: "-15", Code: -1, Signal: 15, GoStatus: "signal: terminated"},
		{How: "normal", Exitcode: "0", GoStatus: "exit status 0", Finished: true},
		{How: "error", Exitcode: "3", Code: 3, GoStatus: "exit status 3", Finished: true},
		{How: "killed", Exitcode: "-9", Code: -1, Signal: 9, GoStatus: "signal: killed"},
	}}
}

// Every claim of the lesson can fail the verdict.
func TestConcludeBranches(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*Metrics)
		verdict string
	}{
		{"not alive at start", func(m *Metrics) { m.AliveRunning = false }, "not alive"},
		{"alive after join", func(m *Metrics) { m.AliveAfterJoin = true }, "still alive after join"},
		{"caught SIGTERM", func(m *Metrics) { m.Endings[0] = Ending{How: "terminated", Exitcode: "0", GoStatus: "exit status 0"} }, "want -15"},
		{"terminated but finished", func(m *Metrics) { m.Endings[0].Finished = true }, "finished its work"},
		{"error exit 0", func(m *Metrics) { m.Endings[2].Exitcode, m.Endings[2].GoStatus = "0", "exit status 0" }, "want 3"},
		{"missing", func(m *Metrics) { m.Endings = m.Endings[:3] }, "3 endings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(&m)
			res := conclude(m)
			if res.Observed || !strings.Contains(res.Verdict, tc.verdict) {
				t.Errorf("observed %v, verdict %q; want %q", res.Observed, res.Verdict, tc.verdict)
			}
		})
	}
	if res := conclude(good()); !res.Observed {
		t.Errorf("good run not shown: %s", res.Verdict)
	}
}
