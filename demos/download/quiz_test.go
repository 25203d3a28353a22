package download_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/download"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

// Each choice, from hand-built metrics: downloads of 600 and 900ms.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := download.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	form := func(wall float64) *download.FormMetrics {
		return &download.FormMetrics{WallMs: wall, LongestMs: 900, SumMs: 1500, Overlapped: wall < 900+300}
	}
	for _, c := range []struct {
		gor, procs *download.FormMetrics
		want       int
	}{
		{form(910), form(960), 0},
		{form(910), nil, 0},
		{form(1500), form(960), 1},
		{nil, form(1300), -1}, // neither: not scored
		{nil, nil, -1},
	} {
		m := download.Metrics{DurationsS: []float64{6, 9}, Goroutines: c.gor, Processes: c.procs}
		if rev := demotest.Reveal(t, d, ev.Result{Metrics: m}); rev[0].Choice != c.want {
			t.Errorf("choice %d (%s), want %d", rev[0].Choice, rev[0].Measured, c.want)
		}
	}
}

// A real run of the goroutine form in fake time: exactly the longer one.
func TestQuizAnswersFromARun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := download.New()
		res, _ := demotest.MustRun(t, d, 100, "run-as=goroutines")
		if rev := demotest.Reveal(t, d, res, "run-as=goroutines"); rev[0].Choice != 0 {
			t.Errorf("goroutines: %s", rev[0].Measured)
		}
	})
}

// Both forms for real, processes included: side by side, never the sum.
func TestQuizAnswersFromRealProcesses(t *testing.T) {
	d := download.New()
	res, _ := demotest.MustRun(t, d, 20)
	rev := demotest.Reveal(t, d, res)
	if rev[0].Choice == 1 {
		t.Errorf("both forms: %s", rev[0].Measured)
	}
	t.Log(rev[0].Measured)
}
