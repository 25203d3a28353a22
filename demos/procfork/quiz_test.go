package procfork_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procfork"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := procfork.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	base := procfork.Metrics{Value: 10, ParentAfter: 9, ChildFirst: 10, LookedAfterwards: true}
	cases := []struct {
		name             string
		later, set, end  int
		looked           bool
		sees, parentHold int
	}{
		{"copies", 10, 110, 9, true, 0, 1},
		{"shared both ways", 9, 109, 109, true, 1, 0},
		{"reset", 10, 110, 10, true, 0, 2},
		{"nonsense", 3, 110, 4, true, -1, -1},
		{"looked too early", 10, 110, 9, false, -1, 1},
	}
	for _, c := range cases {
		m := base
		m.ChildLater, m.ChildSet, m.ParentAtEnd, m.LookedAfterwards = c.later, c.set, c.end, c.looked
		rev := d.Bind().Reveal(ev.Result{Metrics: m})
		if len(rev) != 2 || rev[0].Choice != c.sees || rev[1].Choice != c.parentHold {
			t.Errorf("%s: revealed %+v, want choices %d and %d", c.name, rev, c.sees, c.parentHold)
		}
	}
}

func TestQuizRevealsTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := procfork.New()
	res, _ := demotest.MustRun(t, d, 20, "value=-7")
	rev := demotest.Reveal(t, d, res, "value=-7")
	for i, a := range demotest.Knobs(t, d, "value=-7").Ask() {
		t.Logf("%s %q → %d: %s", a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
	}
	if rev[0].Choice != 0 || rev[1].Choice != 1 {
		t.Errorf("revealed %+v, want choices 0 and 1", rev)
	}
}
