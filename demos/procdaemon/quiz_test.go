package procdaemon_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procdaemon"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := procdaemon.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	kids := func(daemonExited, otherExited bool) []procdaemon.Kid {
		return []procdaemon.Kid{{Daemon: true, Exitcode: "-15", Exited: daemonExited}, {Exitcode: "0", Exited: otherExited}}
	}
	cases := []struct {
		name         string
		m            procdaemon.Metrics
		partA, partB int
	}{
		{"as Python does", procdaemon.Metrics{Kids: kids(false, true), OrphanPids: []int{1, 2}, OrphansDeadMs: 3}, 2, 1},
		{"both waited for", procdaemon.Metrics{Kids: kids(true, true), OrphanPids: []int{1, 2}, OrphansExited: true}, 0, 0},
		{"both ended", procdaemon.Metrics{Kids: kids(false, false), OrphanPids: []int{1, 2}, OrphansDeadMs: 5000}, 1, 0},
		{"backwards", procdaemon.Metrics{Kids: kids(true, false)}, 3, -1},
		{"nothing seen", procdaemon.Metrics{}, -1, -1},
	}
	for _, c := range cases {
		rev := d.Bind().Reveal(ev.Result{Metrics: c.m})
		if len(rev) != 2 || rev[0].Choice != c.partA || rev[1].Choice != c.partB {
			t.Errorf("%s: revealed %+v, want choices %d and %d", c.name, rev, c.partA, c.partB)
		}
	}
}

func TestQuizRevealsTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procdaemon.New()
	res, _ := demotest.MustRun(t, d, 10)
	rev := demotest.Reveal(t, d, res)
	for i, a := range d.Bind().Ask() {
		t.Logf("%s %q → %d: %s", a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
	}
	if res.Observed && (rev[0].Choice != 2 || rev[1].Choice != 1) {
		t.Errorf("lesson shown (%s), yet revealed %+v", res.Verdict, rev)
	}
	if !res.Observed {
		t.Logf("lesson not shown: %s", res.Verdict)
	}
}
