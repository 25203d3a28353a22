package producerconsumer_test

import (
	"context"
	"errors"
	"strings"
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
		{"items=30"},
		{"concurrent=3"},
		{"producers=3", "concurrent=5", "items=97", "capacity=2"},
		{"capacity=1", "items=20"},
		{"concurrent=8", "items=2"}, // most customers take nothing, and still count
	}
	for _, knobs := range cases {
		res, _ := demotest.MustRun(t, producerconsumer.New(), 200, knobs...)
		m := demotest.Metrics[producerconsumer.Metrics](t, res)
		o := demotest.Knobs(t, producerconsumer.New(), knobs...).Options().(*producerconsumer.Options)
		if m.Items != o.Items || m.Produced != m.Items || m.Consumed != m.Items || m.Capacity != o.Capacity ||
			m.MaxDepth > m.Capacity || !m.JoinReturned || m.LeftOver != 0 {
			t.Errorf("%v: metrics %+v, verdict %q", knobs, m, res.Verdict)
		}
		sum := 0
		for _, n := range m.PerConsumer {
			sum += n
		}
		if sum != m.Consumed || len(m.PerConsumer) != m.Customers {
			t.Errorf("%v: %d per-customer counts for %d customers add to %d, consumed %d", knobs, len(m.PerConsumer), m.Customers, sum, m.Consumed)
		}
		if o.Concurrent > 0 && m.Customers != o.Concurrent {
			t.Errorf("%v: %d customers", knobs, m.Customers)
		}
	}
}

// The cookbook's shape by default: customers one after another can't keep
// up with the producer, so the queue fills to its capacity and holds the
// producer back — every time (issue 12). In fake time, for several seeds.
func TestDefaultShowsBackPressure(t *testing.T) {
	for seed := range int64(10) {
		synctest.Test(t, func(t *testing.T) {
			d := producerconsumer.New()
			c := &demotest.Capture{}
			res, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: seed, Speed: 1, Knobs: d.Bind()}, c)
			if err != nil {
				t.Fatal(err)
			}
			m := demotest.Metrics[producerconsumer.Metrics](t, res)
			if !res.Observed || m.MaxDepth != 10 || m.ProducerWaits == 0 || m.HeldBackMs <= 0 || m.Concurrent != 0 ||
				m.Consumed != 100 || !m.JoinReturned {
				t.Fatalf("seed %d: %+v: %s", seed, m, res.Verdict)
			}
			if m.Customers+m.NeverCame != 100 || m.Customers < 25 || m.Customers > 100 {
				t.Errorf("seed %d: %d customers came, %d never", seed, m.Customers, m.NeverCame)
			}
			// One customer at a time: a customer's line comes before the next one's first product.
			if demotest.Index(c, "producer", "queue full (10 of 10)") < 0 {
				t.Error("the producer never said it waits for room")
			}
			if !strings.Contains(res.Verdict, "held the producer back") {
				t.Errorf("verdict %s", res.Verdict)
			}
			if n := len(c.Events); n > 90 {
				t.Errorf("%d events: a default run must stay readable", n)
			}
		})
	}
}

// A customer who finds the queue empty came too late: with more customers
// than products, the first ones take everything and some wait in vain or
// never come.
func TestTooLate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, producerconsumer.New(), 1, "items=5", "customers=10")
		m := demotest.Metrics[producerconsumer.Metrics](t, res)
		if m.Consumed != 5 || len(m.TooLate)+m.NeverCame == 0 {
			t.Fatalf("metrics %+v", m)
		}
		for _, name := range m.TooLate {
			if demotest.Index(c, name, "came too late") < 0 {
				t.Errorf("%s came too late, but never said so", name)
			}
		}
	})
}

// Too few customers: products are left over, join would wait for ever, and
// the verdict says so instead of hanging (the cookbook would hang).
func TestCustomersRunOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, producerconsumer.New(), 1, "customers=2", "items=30")
		m := demotest.Metrics[producerconsumer.Metrics](t, res)
		if res.Observed || m.LeftOver == 0 || m.JoinReturned || m.Consumed+m.LeftOver != 30 || !strings.Contains(res.Hint, "--customers") {
			t.Fatalf("%+v: %s (%s)", m, res.Verdict, res.Hint)
		}
		b := demotest.Knobs(t, producerconsumer.New(), "customers=2", "items=30")
		if out := b.Classify(res); out.Name != "customers ran out" {
			t.Errorf("classified %+v", out)
		}
	})
}

// --concurrent N is the fast case: N customers at once keep up.
func TestConcurrentKeepsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, producerconsumer.New(), 1, "concurrent=3", "items=30")
		if m := demotest.Metrics[producerconsumer.Metrics](t, res); !res.Observed || m.ProducerWaits != 0 || m.MaxDepth > 2 {
			t.Fatalf("metrics %+v: %s", m, res.Verdict)
		}
	})
}

// The verdict fails when the queue never filled in the one-by-one shape.
func TestNeverFullIsNotTheLesson(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, producerconsumer.New(), 1, "capacity=1000", "items=20")
		if m := demotest.Metrics[producerconsumer.Metrics](t, res); res.Observed || m.ProducerWaits != 0 || res.Hint == "" {
			t.Fatalf("metrics %+v: %s", m, res.Verdict)
		}
	})
}

func TestCustomersWithConcurrentRefused(t *testing.T) {
	if err := demotest.CheckErr(t, producerconsumer.New(), "customers=5", "concurrent=2"); err == nil {
		t.Fatal("accepted")
	}
}

func TestInterruptStopsEverything(t *testing.T) {
	for _, knobs := range [][]string{nil, {"concurrent=3"}} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, _, err := demotest.RunCtx(ctx, t, producerconsumer.New(), 1, knobs...)
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("%v: err = %v, want ErrInterrupted", knobs, err)
		}
	}
	// goleak in TestMain checks that no producer or customer is left.
}
