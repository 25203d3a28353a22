package tickets_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/tickets"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := tickets.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	m := func(tk, b, sold, left, lost int) tickets.Metrics {
		return tickets.Metrics{Tickets: tk, Buyers: b, Sold: sold, Successes: sold, Left: left, LostSales: lost, DBValid: true}
	}
	cases := []struct {
		knobs   []string
		m       tickets.Metrics
		choices int
		want    int
	}{
		{[]string{"lock"}, m(1, 3, 1, 0, 0), 3, 0},
		{nil, m(1, 3, 2, 0, 0), 3, 1},
		{nil, m(1, 3, 3, 0, 0), 3, 2},
		{[]string{"buyers=2"}, m(1, 2, 2, 0, 0), 2, 1}, // no room between: "all" is b
		{[]string{"tickets=0"}, m(0, 3, 0, 0, 0), 3, 0},
		{[]string{"tickets=10"}, m(10, 3, 3, 7, 0), 2, 0},
		{[]string{"tickets=10"}, m(10, 3, 3, 9, 2), 2, 1},
		{nil, tickets.Metrics{Tickets: 1, Buyers: 3}, 3, -1}, // database broken
	}
	for _, c := range cases {
		if n := len(demotest.Knobs(t, d, c.knobs...).Ask()[0].Choices); n != c.choices {
			t.Errorf("%v: %d choices, want %d", c.knobs, n, c.choices)
		}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: c.m}, c.knobs...)
		if rev[0].Choice != c.want {
			t.Errorf("%v %+v: answer %+v, want %d", c.knobs, c.m, rev[0], c.want)
		}
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := tickets.New()
	res, _ := demotest.MustRun(t, d, 100, "lock")
	if rev := demotest.Reveal(t, d, res, "lock"); rev[0].Choice != 0 {
		t.Errorf("with the lock: answer %+v, want a", rev[0])
	}
	// Without the lock the buyers usually oversell; whatever happened is
	// one of the choices.
	res, _ = demotest.MustRun(t, d, 100)
	rev := demotest.Reveal(t, d, res)
	if rev[0].Choice < 0 || (res.Observed && rev[0].Choice == 0) {
		t.Errorf("without the lock: answer %+v (verdict %q)", rev[0], res.Verdict)
	}
	t.Logf("%+v", rev)
}
