package procspawn

import (
	"strings"
	"testing"
)

func good() Metrics {
	return Metrics{ParentPid: 100, Children: 1, Pids: []int{101, 102}, ReportedPids: []int{101, 102}, ReportedPpids: []int{100, 100},
		Styles: []string{"function", "class"}, ChildExitcodes: []string{"0", "0"}, AliveWhileRuns: true, ExitcodeRunning: "None",
		JoinTimeoutMs: 100, AliveAfterJoinT: true, ExitcodeAfter: "0"}
}

// The verdict fails on every claim the lesson makes.
func TestConcludeBranches(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func(*Metrics)
		observed bool
		verdict  string
	}{
		{"shown", func(*Metrics) {}, true, "own pid"},
		{"shared pid", func(m *Metrics) { m.Pids[1], m.ReportedPids[1] = 101, 101 }, false, "shared a pid"},
		{"pid is the parent's", func(m *Metrics) { m.Pids[0], m.ReportedPids[0] = 100, 100 }, false, "shared a pid"},
		{"wrong own pid", func(m *Metrics) { m.ReportedPids[1] = 7 }, false, "reported a pid other"},
		{"wrong parent", func(m *Metrics) { m.ReportedPpids[0] = 1 }, false, "another parent"},
		{"one style", func(m *Metrics) { m.Styles[1] = "function" }, false, "not both styles"},
		{"bad exit", func(m *Metrics) { m.ChildExitcodes[0] = "1" }, false, "exitcode 0"},
		{"exitcode while running", func(m *Metrics) { m.ExitcodeRunning = "0" }, false, "exitcode None"},
		{"join too early", func(m *Metrics) { m.JoinTimeoutMs = 10 }, false, "please report"},
		{"child done early", func(m *Metrics) { m.AliveAfterJoinT = false }, false, "already ended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(&m)
			res := conclude(10, m)
			if res.Observed != tc.observed || !strings.Contains(res.Verdict, tc.verdict) {
				t.Errorf("observed %v, verdict %q; want %v, %q", res.Observed, res.Verdict, tc.observed, tc.verdict)
			}
		})
	}
}
