package procprintlock_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/procprintlock"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := procprintlock.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		whole, mangled int
		lost           bool
		lines, bytes   int
	}{
		{10, 0, false, 0, 1}, {8, 2, false, 1, 1}, {5, 5, false, 2, 1}, {0, 10, false, 2, 1}, {9, 0, true, 1, 0},
	}
	for _, c := range cases {
		m := procprintlock.Metrics{Children: 10, Lines: c.whole + c.mangled, WholeLines: c.whole, MangledLines: c.mangled, NothingLost: !c.lost}
		rev := d.Bind().Reveal(ev.Result{Metrics: m})
		if len(rev) != 2 || rev[0].Choice != c.lines || rev[1].Choice != c.bytes {
			t.Errorf("%d whole, %d mangled, lost %v: revealed %+v, want choices %d and %d", c.whole, c.mangled, c.lost, rev, c.lines, c.bytes)
		}
	}
}

// Real runs: with the lock all lines are whole, always; without it the
// count is what the run showed (mangled in nearly every default run, see
// TestDefaultMangles), and no byte is lost either way.
func TestQuizRevealsTheRun(t *testing.T) {
	skip(t)
	d := procprintlock.New()
	defer procprintlock.NoBeats()()
	for _, knobs := range [][]string{{"lock"}, nil} {
		res, _ := demotest.MustRun(t, d, 10, knobs...)
		rev := demotest.Reveal(t, d, res, knobs...)
		for i, a := range demotest.Knobs(t, d, knobs...).Ask() {
			t.Logf("%v: %s %q → %d: %s", knobs, a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
		}
		m := demotest.Metrics[procprintlock.Metrics](t, res)
		if knobs != nil && rev[0].Choice != 0 {
			t.Errorf("with the lock: revealed %+v", rev[0])
		}
		if knobs == nil && (rev[0].Choice == 0) != (m.MangledLines == 0) {
			t.Errorf("%d lines mangled, yet revealed %+v", m.MangledLines, rev[0])
		}
		if rev[1].Choice != 1 {
			t.Errorf("%v: revealed %+v", knobs, rev[1])
		}
	}
}
