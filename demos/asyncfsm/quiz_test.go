package asyncfsm_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/asyncfsm"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswerReadsTheClock(t *testing.T) {
	d := asyncfsm.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	path := []string{"Start", "State1", "State2", "State1", "State3", "End"} // 5 transitions, 2 visits
	for _, c := range []struct {
		total  float64
		choice int
	}{{2.01, 0}, {5, 1}, {1, 2}, {3.5, -1}} {
		m := asyncfsm.Metrics{Path: path, State1Visits: 2, TotalStory: c.total, Tolerance: 0.3}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice {
			t.Errorf("total %g: choice %d (%s), want %d", c.total, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
}

func TestQuizFromARealRun(t *testing.T) {
	d := asyncfsm.New()
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, d, 100)
		rev := demotest.Reveal(t, d, res)
		if rev[0].Choice != 0 {
			t.Errorf("choice %d (%s), want 0", rev[0].Choice, rev[0].Measured)
		}
		t.Log(rev[0].Measured)
	})
	res, _ := demotest.MustRun(t, d, 20)
	rev := demotest.Reveal(t, d, res)
	if res.Observed && rev[0].Choice != 0 {
		t.Errorf("lesson shown, yet choice %d (%s)", rev[0].Choice, rev[0].Measured)
	}
	t.Log(rev[0].Measured)
}

// Seed 42 (demotest's) never visits State 1; other seeds do, several
// times, and the answer is still the State 1 visits, not the transitions.
func TestQuizOverSeeds(t *testing.T) {
	d := asyncfsm.New()
	most := 0
	for seed := int64(1); seed <= 12; seed++ {
		synctest.Test(t, func(t *testing.T) {
			b := demotest.Knobs(t, d)
			res, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: seed, Speed: 10, Knobs: b, Watchdog: 5 * time.Second}, &demotest.Capture{})
			if err != nil {
				t.Fatal(err)
			}
			m := demotest.Metrics[asyncfsm.Metrics](t, res)
			most = max(most, m.State1Visits)
			if rev := demotest.Reveal(t, d, res); rev[0].Choice != 0 {
				t.Errorf("seed %d: choice %d (%s), want 0", seed, rev[0].Choice, rev[0].Measured)
			}
		})
	}
	if most < 2 {
		t.Errorf("no seed of 12 visited State 1 twice (most %d): the question tells nothing apart", most)
	}
}
