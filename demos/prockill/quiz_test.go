package prockill_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/prockill"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := prockill.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		exitcode     string
		alive        bool
		code, living int
	}{
		{"-15", true, 2, 1}, {"0", false, 0, 0}, {"1", true, 1, 1}, {"None", false, 3, 0}, {"-9", true, -1, 1}, {"", true, -1, 1},
	}
	for _, c := range cases {
		m := prockill.Metrics{AliveAfterTerminate: c.alive}
		if c.exitcode != "" {
			m.Endings = []prockill.Ending{{Exitcode: c.exitcode}}
		}
		rev := d.Bind().Reveal(ev.Result{Metrics: m})
		if len(rev) != 2 || rev[0].Choice != c.code || rev[1].Choice != c.living {
			t.Errorf("exitcode %q, alive %v: revealed %+v, want choices %d and %d", c.exitcode, c.alive, rev, c.code, c.living)
		}
	}
}

func TestQuizRevealsTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := prockill.New()
	res, _ := demotest.MustRun(t, d, 10)
	rev := demotest.Reveal(t, d, res)
	for i, a := range d.Bind().Ask() {
		t.Logf("%s %q → %d: %s", a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
	}
	if rev[0].Choice != 2 {
		t.Errorf("revealed %+v, want -15", rev[0])
	}
	// Whether the child is still unreaped right after the signal is a
	// race the child nearly always loses; the answer is what happened.
	if m := demotest.Metrics[prockill.Metrics](t, res); (rev[1].Choice == 1) != m.AliveAfterTerminate {
		t.Errorf("revealed %+v for is_alive() = %v", rev[1], m.AliveAfterTerminate)
	}
}
