package procspawn_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procspawn"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := procspawn.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		m             procspawn.Metrics
		exitcode, joi int
	}{
		{"as it should", procspawn.Metrics{ExitcodeRunning: "None", AliveAfterJoinT: true, JoinTimeoutStory: 1, ExitcodeAfter: "0"}, 1, 1},
		{"join waited it out", procspawn.Metrics{ExitcodeRunning: "0", JoinTimeoutStory: 4.01, ExitcodeAfter: "0"}, 0, 0},
		{"the timeout killed it", procspawn.Metrics{ExitcodeRunning: "-15", JoinTimeoutStory: 1, ExitcodeAfter: "-15"}, -1, 2},
		{"ended early", procspawn.Metrics{ExitcodeRunning: "None", JoinTimeoutStory: 1, ExitcodeAfter: "0"}, 1, -1},
	}
	for _, c := range cases {
		rev := d.Bind().Reveal(ev.Result{Metrics: c.m})
		if len(rev) != 2 || rev[0].Choice != c.exitcode || rev[1].Choice != c.joi {
			t.Errorf("%s: revealed %+v, want choices %d and %d", c.name, rev, c.exitcode, c.joi)
		}
	}
}

func TestQuizRevealsTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procspawn.New()
	res, _ := demotest.MustRun(t, d, 10, "children=1")
	rev := demotest.Reveal(t, d, res, "children=1")
	for i, a := range d.Bind().Ask() {
		t.Logf("%s %q → %d: %s", a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
	}
	if rev[0].Choice != 1 {
		t.Errorf("exitcode while running: %+v", rev[0])
	}
	if res.Observed && rev[1].Choice != 1 {
		t.Errorf("the child outlived join(timeout), yet the answer is %+v", rev[1])
	}
}
