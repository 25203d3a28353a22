package semaphorelimit_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphorelimit"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := semaphorelimit.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		knobs   []string
		story   float64
		want    int
		choices int
	}{
		{nil, 20.1, 1, 3},
		{nil, 24.9, 1, 3},
		{nil, 1.02, 0, 3},
		{nil, 100.4, 2, 3},
		{nil, 45, -1, 3}, // more than half as long again as 20, and well short of 100
		{nil, 0, -1, 3},
		{[]string{"workers=3", "limit=1"}, 3.01, 1, 2}, // one at a time is the limit's pace
		{[]string{"workers=8", "limit=10"}, 1.01, 0, 2},
		{[]string{"workers=1"}, 1.01, 0, 2},
		{[]string{"workers=1"}, 2.2, 1, 2},
	}
	for _, c := range cases {
		demotest.CheckQuizWording(t, d, c.knobs...)
		if n := len(demotest.Knobs(t, d, c.knobs...).Ask()[0].Choices); n != c.choices {
			t.Errorf("%v: %d choices, want %d", c.knobs, n, c.choices)
		}
		m := semaphorelimit.Metrics{StorySeconds: c.story, MaxHolders: 5}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, c.knobs...)
		if rev[0].Choice != c.want {
			t.Errorf("%v, %g story-s: choice %d (%s), want %d", c.knobs, c.story, rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}

// A real run: 20 workers through 5 permits take 4 waves. On a machine
// that kept the pace the answer is "5 at a time"; it is never "all at
// once" or "one at a time".
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := semaphorelimit.New()
	knobs := []string{"workers=20", "limit=5"}
	res, _ := demotest.MustRun(t, d, 50, knobs...)
	rev := demotest.Reveal(t, d, res, knobs...)
	t.Logf("%s: %s", demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
	if rev[0].Choice == 0 || rev[0].Choice == 2 || (res.Observed && rev[0].Choice != 1) {
		t.Errorf("choice %d (%s), want 1", rev[0].Choice, rev[0].Measured)
	}
}
