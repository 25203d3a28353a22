package semaphoresignal_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphoresignal"
	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time the hand-off is exact: the consumer waits, the producer
// releases every 10 story-seconds, the consumer wakes at that instant.
func TestSignalInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, semaphoresignal.New(), 1, "rounds=2")
		m := demotest.Metrics[semaphoresignal.Metrics](t, res)
		items := m.Produced
		if !res.Observed || !m.InOrder || !slices.Equal(items, m.Consumed) || m.MeanWaitMs != 10000 || m.Rounds != 2 || len(items) != 2 || m.MaxValue > 1 {
			t.Fatalf("result %+v", res)
		}
		// Each side's own sequence is exact; between the two, only the
		// hand-off orders them (two goroutines woken at the same fake
		// instant may log in either order).
		of := func(actor string) []string {
			var out []string
			for _, e := range c.Of(actor) {
				out = append(out, fmt.Sprintf("%v %s", e.T, e.Msg))
			}
			return out
		}
		wantProducer := []string{
			"0s works on the next item for 10 story-seconds",
			fmt.Sprintf("10s produced item %d; releases the semaphore", items[0]),
			"10s works on the next item for 10 story-seconds",
			fmt.Sprintf("20s produced item %d; releases the semaphore", items[1]),
			"20s made every item",
		}
		wantConsumer := []string{
			"0s waits on the semaphore (value 0)",
			fmt.Sprintf("10s woken: consumed item %d", items[0]),
			"10s waits on the semaphore (value 0)",
			fmt.Sprintf("20s woken: consumed item %d", items[1]),
			"20s consumed every item",
		}
		if got := of("producer"); !slices.Equal(got, wantProducer) {
			t.Errorf("producer:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantProducer, "\n"))
		}
		if got := of("consumer"); !slices.Equal(got, wantConsumer) {
			t.Errorf("consumer:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantConsumer, "\n"))
		}
		for _, item := range items {
			p := demotest.Index(c, "producer", fmt.Sprintf("produced item %d;", item))
			q := demotest.Index(c, "consumer", fmt.Sprintf("consumed item %d", item))
			if p < 0 || q < p {
				t.Errorf("item %d consumed (event %d) before it was produced (event %d)", item, q, p)
			}
		}
	})
}

// The bounded semaphore's refusal is the real primitive's error.
func TestBoundedRefusal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, semaphoresignal.New(), 1, "rounds=1")
		m := demotest.Metrics[semaphoresignal.Metrics](t, res)
		if m.BoundedError != isync.ErrReleasedTooMany.Error() || m.PlainExtraValue != 2 {
			t.Fatalf("metrics %+v", m)
		}
		if demotest.Index(c, "main", isync.ErrReleasedTooMany.Error()) < 0 {
			t.Error("the refusal is not shown")
		}
	})
}

// The same seed makes the same items.
func TestSeedReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _ := demotest.MustRun(t, semaphoresignal.New(), 1)
		b, _ := demotest.MustRun(t, semaphoresignal.New(), 1)
		pa, pb := demotest.Metrics[semaphoresignal.Metrics](t, a).Produced, demotest.Metrics[semaphoresignal.Metrics](t, b).Produced
		if !slices.Equal(pa, pb) {
			t.Errorf("same seed, different items: %v vs %v", pa, pb)
		}
	})
}

// Real time, real scheduler: every item still arrives in order. The wait
// is judged by the verdict, not asserted here: at --speed 1000 a busy
// machine may fall behind, and then the verdict must say so.
func TestSignalRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, semaphoresignal.New(), 1000)
	if m := demotest.Metrics[semaphoresignal.Metrics](t, res); !m.InOrder || res.Observed != m.OnPace {
		t.Fatalf("result %+v", res)
	}
}
