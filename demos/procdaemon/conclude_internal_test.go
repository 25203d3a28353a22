package procdaemon

import (
	"strings"
	"testing"
)

func good() Metrics {
	return Metrics{Nap: 3, MainPid: 10, MainEndedS: 3.1, MainExitcode: "0", KilledPid: 20, KilledStatus: "-9", OrphanPids: []int{21, 22}, OrphansDeadMs: 3, OrphansGoneMs: 3,
		Kids: []Kid{{Name: "bg", Daemon: true, Pid: 11, Exitcode: "-15"}, {Name: "fg", Pid: 12, Exitcode: "0", Exited: true}}}
}

func TestConcludeBranches(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*Metrics)
		verdict string
		hint    bool
	}{
		{"left over", func(m *Metrics) { m.LeftOver = []int{21} }, "still there", false},
		{"daemon finished", func(m *Metrics) { m.Kids[0].Exited, m.Kids[0].Exitcode = true, "0" }, "daemon child ended", true},
		{"non-daemon killed", func(m *Metrics) { m.Kids[1].Exited, m.Kids[1].Exitcode = false, "-15" }, "non-daemon child", false},
		{"main did not wait", func(m *Metrics) { m.MainEndedS = 0.2 }, "did not wait", false},
		{"main failed", func(m *Metrics) { m.MainExitcode = "1" }, "want 0 and -9", false},
		{"orphan finished", func(m *Metrics) { m.OrphansExited = true }, "did not all die", false},
		{"orphans linger", func(m *Metrics) { m.OrphansDeadMs = 6000 }, "still running", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.edit(&m)
			res := conclude(3, 10, m)
			if res.Observed || !strings.Contains(res.Verdict, tc.verdict) || (res.Hint != "") != tc.hint {
				t.Errorf("got %+v", res)
			}
		})
	}
	if res := conclude(3, 10, good()); !res.Observed {
		t.Errorf("good: %s", res.Verdict)
	}
}
