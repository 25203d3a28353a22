package deferdemo_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/deferdemo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := deferdemo.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	demotest.CheckQuizWording(t, d)
	demotest.CheckQuizWording(t, d, "no-defer")
	cases := []struct {
		m    deferdemo.Metrics
		want int
	}{
		{deferdemo.Metrics{UseDefer: true, Primitives: 4, PanicsRecovered: 4}, 0},
		{deferdemo.Metrics{Primitives: 4, PanicsRecovered: 4, LeftHeld: 4}, 1},
		{deferdemo.Metrics{Primitives: 4, PanicsRecovered: 4, LeftHeld: 1}, 2},
		{deferdemo.Metrics{}, -1},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
}

// Real runs at a high speed: with defer nothing stays held; releasing by
// hand (--no-defer), every primitive does.
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := deferdemo.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{nil, 0},
		{[]string{"no-defer"}, 1},
	} {
		res, _ := demotest.MustRun(t, d, 100, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		t.Logf("%v: %s: %s", c.knobs, demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
		if rev[0].Choice != c.want {
			t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}
