package producerconsumer_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/producerconsumer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestEveryProductExactlyOnce(t *testing.T) {
	cases := [][]string{
		nil,
		{"consumers=1", "items=30"},
		{"producers=3", "consumers=5", "items=97", "capacity=2"},
		{"capacity=1", "items=20"},
		{"consumers=8", "items=2"}, // most consumers take nothing, and still count
	}
	for _, knobs := range cases {
		res, c := demotest.MustRun(t, producerconsumer.New(), 500, knobs...)
		m := demotest.Metrics[producerconsumer.Metrics](t, res)
		o := demotest.Knobs(t, producerconsumer.New(), knobs...).Options().(*producerconsumer.Options)
		if m.Items != o.Items || m.Produced != m.Items || m.Consumed != m.Items || m.Capacity != o.Capacity ||
			m.MaxDepth > m.Capacity || !res.Observed {
			t.Errorf("%v: metrics %+v, verdict %q", knobs, m, res.Verdict)
		}
		sum := 0
		for _, n := range m.PerConsumer {
			sum += n
		}
		if sum != m.Consumed || len(m.PerConsumer) != o.Consumers {
			t.Errorf("%v: %d per-consumer counts for %d consumers add to %d, consumed %d", knobs, len(m.PerConsumer), o.Consumers, sum, m.Consumed)
		}
		// join returns only after the last product was marked done, so no
		// consumer may take a product after the producer's join returned.
		join := demotest.Index(c, "producer", "join returned")
		if len(knobs) == 0 && join < 0 {
			t.Errorf("no join event")
		}
	}
}

// One slow consumer makes the queue fill up: the producer must wait, and
// the high-water mark reaches the capacity. Deterministic in fake time.
func TestBackPressureInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, producerconsumer.New(), 1, "consumers=1", "items=30", "capacity=5")
		if m := demotest.Metrics[producerconsumer.Metrics](t, res); m.MaxDepth != 5 || m.ProducerWaits == 0 {
			t.Fatalf("metrics %+v", m)
		}
		if demotest.Index(c, "producer", "queue full") < 0 {
			t.Error("the producer never said it waits for room")
		}
		// 30 products at 0.3 s each, one consumer: the run takes 9 s plus
		// the first product's 0.1 s.
		last := c.Events[len(c.Events)-1].T
		if last != 9100*time.Millisecond {
			t.Errorf("run ended at %v, want 9.1s", last)
		}
	})
}

func TestInterruptStopsEverything(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := demotest.RunCtx(ctx, t, producerconsumer.New(), 1)
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	// goleak in TestMain checks that no producer or consumer is left.
}
