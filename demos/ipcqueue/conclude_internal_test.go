package ipcqueue

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/internal/proc"
)

func TestJoinedAfterDone(t *testing.T) {
	ops := []proc.QueueOp{{Op: "put"}, {Op: "task_done"}, {Op: "task_done"}, {Op: "joined"}}
	if n, ok := joinedAfterDone(ops, 2); n != 2 || !ok {
		t.Errorf("in order: %d %v", n, ok)
	}
	early := []proc.QueueOp{{Op: "task_done"}, {Op: "joined"}, {Op: "task_done"}}
	if _, ok := joinedAfterDone(early, 2); ok {
		t.Error("an early join passed")
	}
	if _, ok := joinedAfterDone([]proc.QueueOp{{Op: "joined", Unfinished: 1}}, 0); ok {
		t.Error("a join with unfinished tasks passed")
	}
}

func TestConcludeFails(t *testing.T) {
	good := Metrics{Items: 2, InOrder: true, RecordsOK: true, JoinAfterDone: true, Removed: true, TasksDone: 2}
	for _, tc := range []struct {
		edit    func(*Metrics)
		ok      bool
		verdict string
	}{
		{func(*Metrics) {}, true, "in order"},
		{func(m *Metrics) { m.InOrder = false }, false, "but the consumer got"},
		{func(m *Metrics) { m.RecordsOK = false }, false, "not three records"},
		{func(m *Metrics) { m.JoinAfterDone = false }, false, "returned early"},
		{func(m *Metrics) { m.Removed = false }, false, "left behind"},
	} {
		m := good
		tc.edit(&m)
		if res := conclude(m); res.Observed != tc.ok || !strings.Contains(res.Verdict, tc.verdict) {
			t.Errorf("observed %v verdict %q", res.Observed, res.Verdict)
		}
	}
	if !recordsOK([][]any{{float64(42), float64(1), "hello"}, {float64(42), float64(0), "hello"}, {float64(42), float64(2), "hello"}}) {
		t.Error("good records refused")
	}
	if recordsOK([][]any{{float64(42), float64(1), "hello"}, {float64(42), float64(1), "hello"}, {float64(42), float64(2), "hello"}}) {
		t.Error("a record twice accepted")
	}
}
