package semaphorelimit_test

import (
	"strings"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphorelimit"
	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time: exactly limit holders at once, exactly workers ÷ limit
// story-seconds.
func TestLimitInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, semaphorelimit.New(), 1, "workers=12", "limit=3")
		m := demotest.Metrics[semaphorelimit.Metrics](t, res)
		if !res.Observed || m.MaxHolders != 3 || m.ExpectedMax != 3 || m.Waves != 4 || m.StorySeconds != 4 || m.FinalValue != 3 ||
			m.Workers != 12 || m.Limit != 3 || m.WallMs != 4000 {
			t.Fatalf("result %+v", res)
		}
		if m.ExtraReleaseError != isync.ErrReleasedTooMany.Error() {
			t.Errorf("extra release: %v", m.ExtraReleaseError)
		}
		// Replaying the acquire/release events never shows more than 3.
		holding, most := 0, 0
		for _, e := range c.Events {
			switch {
			case strings.HasPrefix(e.Msg, "got a permit"):
				holding++
			case strings.HasPrefix(e.Msg, "done: releases"):
				holding--
			}
			most = max(most, holding)
		}
		if most != 3 || holding != 0 {
			t.Errorf("events replay: most %d, left holding %d", most, holding)
		}
	})
}

// More permits than workers: everyone at once, one wave.
func TestLimitAboveWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, semaphorelimit.New(), 1, "workers=4", "limit=10")
		if m := demotest.Metrics[semaphorelimit.Metrics](t, res); !res.Observed || m.MaxHolders != 4 || m.ExpectedMax != 4 || m.Waves != 1 {
			t.Fatalf("result %+v", res)
		}
	})
}

// Real time, real scheduler, the cookbook's numbers, several runs: the
// measured maximum is always the limit. The timing is judged by the
// verdict, not asserted here: on a busy machine at --speed 100 the run may
// fall behind, and then the verdict must say so (on_pace false).
func TestLimitRealTime(t *testing.T) {
	for range 5 {
		res, _ := demotest.MustRun(t, semaphorelimit.New(), 100)
		m := demotest.Metrics[semaphorelimit.Metrics](t, res)
		if m.MaxHolders != 5 || m.TooSoon || res.Observed != m.OnPace {
			t.Fatalf("result %+v", res)
		}
	}
}

func TestTooLongRefused(t *testing.T) {
	d := semaphorelimit.New()
	if err := demotest.CheckErr(t, d, "workers=1000", "limit=1"); err == nil {
		t.Fatal("1000 waves accepted")
	}
	if err := demotest.CheckErr(t, d, "workers=1000", "limit=5"); err != nil {
		t.Fatalf("200 waves refused: %v", err)
	}
}
