package race_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/race"
)

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := race.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		knobs  []string
		choice int
	}{
		{[]string{"lock", "count=20000"}, 0},
		{[]string{"protect=atomic", "count=20000"}, 0},
		{[]string{"workers=1", "count=20000"}, 0},
	}
	for _, c := range cases {
		res, _ := demotest.MustRun(t, d, 1000, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		if rev[0].Choice != c.choice {
			t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
	// Unprotected: the count drifts (the window is widened on purpose),
	// so the answer is b or c, never a, whenever the lesson showed.
	res, _ := demotest.MustRun(t, d, 1000, "count=200000")
	rev := demotest.Reveal(t, d, res, "count=200000")
	if res.Observed && rev[0].Choice == 0 {
		t.Errorf("lost updates shown, yet the answer is %q", rev[0].Measured)
	}
}
