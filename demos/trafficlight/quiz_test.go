package trafficlight_test

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/trafficlight"
)

// choiceOf is the index of the choice that starts with prefix, or -1.
func choiceOf(t *testing.T, d demos.Demo, prefix string, knobs ...string) int {
	t.Helper()
	return slices.IndexFunc(demotest.Knobs(t, d, knobs...).Ask()[0].Choices, func(c string) bool {
		return strings.HasPrefix(c, prefix)
	})
}

func TestQuizAnswersFromTheMetrics(t *testing.T) {
	d := trafficlight.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, knobs := range [][]string{nil, {"cars=1"}, {"cars=2"}, {"cars=40"}} {
		demotest.CheckQuizWording(t, d, knobs...)
		a := demotest.Knobs(t, d, knobs...).Ask()[0]
		t.Logf("%v: %s %q", knobs, a.Text, a.Choices)
	}
	none := choiceOf(t, d, "none")
	if none < 0 || choiceOf(t, d, "car-5,") < 0 {
		t.Fatalf("the default choices lack car-5 or none: %q", demotest.Knobs(t, d).Ask()[0].Choices)
	}
	cases := []struct {
		m    trafficlight.Metrics
		want int
	}{
		{trafficlight.Metrics{Cars: 6, Crossed: 6, Waited: 2, LongestWaiter: "car-5", LongestWaitStory: 3.5}, choiceOf(t, d, "car-5,")},
		{trafficlight.Metrics{Cars: 6, Crossed: 6, Waited: 1, LongestWaiter: "car-1", LongestWaitStory: 0.2}, 0},
		{trafficlight.Metrics{Cars: 6, Crossed: 6, Waited: 1, LongestWaiter: "car-6", LongestWaitStory: 0.5}, choiceOf(t, d, "car-6,")},
		{trafficlight.Metrics{Cars: 6, Crossed: 6}, none},
		{trafficlight.Metrics{Cars: 6, Crossed: 6, Waited: 1, LongestWaiter: "car-4", LongestWaitStory: 0.1}, -1}, // not offered
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want)
	}
}

// On the cookbook's pacing (a synctest bubble): car-5 arrives 1.5 s into
// the red phase and waits longest; three cars all cross on green; of 40
// cars the one that waits longest is among the choices offered.
func TestQuizAnswersFromPacedRuns(t *testing.T) {
	d := trafficlight.New()
	for _, c := range []struct {
		knobs  []string
		prefix string
	}{
		{nil, "car-5,"},
		{[]string{"cars=3"}, "none"},
		{[]string{"cars=40"}, ""},
	} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, d, 1, c.knobs...)
			rev := demotest.Reveal(t, d, res, c.knobs...)
			t.Logf("%v: %s: %s", c.knobs, demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
			want := choiceOf(t, d, c.prefix, c.knobs...)
			if c.prefix == "" && rev[0].Choice < 0 || c.prefix != "" && rev[0].Choice != want {
				t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, want)
			}
		})
	}
}

// A real run at a high speed: the answer names the car the run measured
// (car-5 when the machine kept the light's pace; a busy machine can make
// another car wait, and then the answer follows).
func TestQuizAnswersFromTheRun(t *testing.T) {
	d := trafficlight.New()
	res, _ := demotest.MustRun(t, d, 50)
	m := demotest.Metrics[trafficlight.Metrics](t, res)
	rev := demotest.Reveal(t, d, res)
	t.Logf("%s: %s", demos.ChoiceKey(rev[0].Choice), rev[0].Measured)
	want := choiceOf(t, d, m.LongestWaiter+",")
	if m.LongestWaiter == "" {
		want = choiceOf(t, d, "none")
	}
	if rev[0].Choice != want {
		t.Errorf("choice %d (%s), want %d", rev[0].Choice, rev[0].Measured, want)
	}
}
