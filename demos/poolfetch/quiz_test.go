package poolfetch_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolfetch"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := poolfetch.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	m := func(total, slowest, sum float64) poolfetch.Metrics {
		return poolfetch.Metrics{TimeoutS: 10, TimeoutMs: 1000, Fetches: make([]poolfetch.Fetch, 6),
			TotalMs: total, SlowestMs: slowest, SumMs: sum}
	}
	cases := []struct {
		m    poolfetch.Metrics
		want int
	}{
		{m(1050, 1000, 2400), 1}, // about the slowest
		{m(2350, 1000, 2400), 0}, // one worker: the sum
		{m(1600, 1000, 2400), 2}, // in between: fetches waited for a worker
		{poolfetch.Metrics{}, -1},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
	if rev := demotest.Reveal(t, d, ev.Result{Metrics: m(1050, 1000, 2400)}); rev[0].Measured != "the batch took 10.5 s; the slowest fetch 10.0 s, all of them added 24.0 s" {
		t.Errorf("measured %q", rev[0].Measured)
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := poolfetch.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 1},                   // five at a time: about the slowest
		{[]string{"workers=1"}, 0}, // one at a time: the sum
	} {
		res, _ := demotest.MustRun(t, d, 50, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		if res.Observed || len(c.knobs) > 0 {
			if rev[0].Choice != c.want {
				t.Errorf("%v: answer %+v, want %d (verdict %q)", c.knobs, rev[0], c.want, res.Verdict)
			}
		}
		t.Logf("%v: %+v", c.knobs, rev)
	}
}
