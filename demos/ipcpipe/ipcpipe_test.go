package ipcpipe_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcpipe"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child process.
func TestMain(m *testing.M) { demotest.Main(m, ipcpipe.New()) }

func TestTwoMessagesThenEndOfStream(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcpipe.New()
	for range 3 {
		res, c := demotest.MustRun(t, d, 100)
		m := demotest.Metrics[ipcpipe.Metrics](t, res)
		if !res.Observed || len(m.Received) != 2 || !m.EndOfStream || m.PeerDied || !m.Duplex {
			t.Fatalf("verdict %q metrics %+v", res.Verdict, m)
		}
		if m.Received[0] != `[42, null, "hello"]` || m.ChildsParent != m.ParentPid || m.ChildPid == m.ParentPid {
			t.Errorf("metrics %+v", m)
		}
		if !strings.Contains(m.SendAfterEnd, "closed") && !strings.Contains(m.SendAfterEnd, "exited") {
			t.Errorf("send after the end: %q", m.SendAfterEnd)
		}
		// Both sides tell what they did, in the order it happened: the
		// parent's send before the child's receive, the child's close
		// before the parent's end of stream. (The child's events come over
		// its control channel, not the data pipe: a send is told by the
		// parent's receive, with the stamp the message carries.)
		child := "child [pid " + strconv.Itoa(m.ChildPid) + "]"
		order := []struct{ actor, msg string }{
			{"parent", "sends \"hello"}, {child, "received \"hello"}, {"parent", "receive #1: [42, null, \"hello\"] (the child sent it at "},
			{child, "closes its end"}, {"parent", "receive #3 returned"},
		}
		last := -1
		for _, want := range order {
			i := demotest.Index(c, want.actor, want.msg)
			if i <= last {
				t.Errorf("event %q by %s at %d, want after %d, in %q", want.msg, want.actor, i, last, demotest.Messages(c))
			}
			last = i
		}
		if info := demotest.Knobs(t, d).Classify(res); info.Name != "end of stream" {
			t.Errorf("outcome %+v", info)
		}
	}
}

func TestPeerDiesMidMessage(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcpipe.New()
	res, c := demotest.MustRun(t, d, 100, "end=die")
	m := demotest.Metrics[ipcpipe.Metrics](t, res)
	if !res.Observed || len(m.Received) != 1 || !m.PeerDied || m.EndOfStream {
		t.Fatalf("verdict %q metrics %+v", res.Verdict, m)
	}
	// The child's account of dying shows before the parent's report of it.
	child := "child [pid " + strconv.Itoa(m.ChildPid) + "]"
	if died, found := demotest.Index(c, child, "then dies"), demotest.Index(c, "parent", "receive #2 returned"); died < 0 || found <= died {
		t.Errorf("the child's death at %d, the parent's report at %d: %q", died, found, demotest.Messages(c))
	}
	if info := demotest.Knobs(t, d, "end=die").Classify(res); info.Class == demos.Forbidden {
		t.Errorf("outcome %+v", info)
	}
}
