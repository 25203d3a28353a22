package producerconsumer_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/producerconsumer"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := producerconsumer.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		depth, capacity, want int
	}{{10, 10, 2}, {2, 10, 0}, {1, 10, 0}, {6, 10, 1}, {1, 1, 2}, {2, 2, 2}} {
		m := producerconsumer.Metrics{MaxDepth: c.depth, Capacity: c.capacity}
		if rev := d.Bind().Reveal(ev.Result{Metrics: m}); len(rev) != 1 || rev[0].Choice != c.want {
			t.Errorf("depth %d of %d: revealed %+v, want choice %d", c.depth, c.capacity, rev, c.want)
		}
	}
}

// Real runs, in fake time: one customer at a time fills the queue (the
// default), three at once keep it shallow.
func TestQuizRevealsTheRun(t *testing.T) {
	for _, c := range []struct {
		knobs []string
		want  int
	}{{nil, 2}, {[]string{"concurrent=3", "items=30"}, 0}} {
		synctest.Test(t, func(t *testing.T) {
			d := producerconsumer.New()
			res, _ := demotest.MustRun(t, d, 1, c.knobs...)
			rev := demotest.Reveal(t, d, res, c.knobs...)
			a := demotest.Knobs(t, d, c.knobs...).Ask()[0]
			t.Logf("%v: %s %q → %d: %s", c.knobs, a.Text, a.Choices, rev[0].Choice, rev[0].Measured)
			if rev[0].Choice != c.want {
				t.Errorf("%v: revealed %+v, want choice %d", c.knobs, rev, c.want)
			}
		})
	}
}
