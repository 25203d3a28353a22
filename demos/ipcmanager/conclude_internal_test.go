package ipcmanager

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/internal/proc"
)

func TestConcludeFails(t *testing.T) {
	full := proc.ManagerState{Dict: map[int]int{0: 0, 1: 2}, List: []int{1, 0}}
	if !allPresent(full, 2) {
		t.Error("a full state is not all present")
	}
	for _, st := range []proc.ManagerState{
		{Dict: map[int]int{0: 0, 1: 3}, List: []int{1, 0}},
		{Dict: map[int]int{0: 0, 1: 2}, List: []int{1, 1}},
		{Dict: map[int]int{0: 0}, List: []int{1, 0}},
	} {
		if allPresent(st, 2) {
			t.Errorf("%+v counted as all present", st)
		}
	}
	good := Metrics{Workers: 2, AllPresent: true, AcksFromMgr: 4, SocketRemoved: true, Calls: 5}
	for _, tc := range []struct {
		edit    func(*Metrics)
		ok      bool
		verdict string
	}{
		{func(*Metrics) {}, true, "all 2 workers"},
		{func(m *Metrics) { m.AllPresent = false }, false, "missing"},
		{func(m *Metrics) { m.AcksFromMgr = 3 }, false, "only 3 of 4"},
		{func(m *Metrics) { m.SocketRemoved = false }, false, "left behind"},
	} {
		m := good
		tc.edit(&m)
		if res := conclude(m); res.Observed != tc.ok || !strings.Contains(res.Verdict, tc.verdict) {
			t.Errorf("observed %v verdict %q", res.Observed, res.Verdict)
		}
	}
}
