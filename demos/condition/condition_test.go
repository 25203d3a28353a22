package condition_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/condition"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// expected replays the default schedule by hand: the producer adds item n
// at n s, the consumer takes one at 2.5 s, 4.5 s, ...; at 20 s the list is
// full, and the take at 20.5 s wakes the producer.
func expected() []string {
	var want []string
	length, taken := 0, 0
	take := func() {
		taken++
		length--
		want = append(want, fmt.Sprintf("consumer: takes item %d (%d of 10)", taken, length))
	}
	for n := 1; n <= 19; n++ {
		if n > 2 && n%2 == 1 { // the take at n-0.5 s comes first
			take()
		}
		length++
		want = append(want, fmt.Sprintf("producer: adds item %d (%d of 10)", n, length))
	}
	want = append(want, "producer: the list is full (10 of 10): stops and waits")
	take()
	want = append(want,
		"producer: woken: consumer took an item, so there is room (9 of 10)",
		"producer: adds item 20 (10 of 10)",
		"producer: added all 20 items")
	length++
	for taken < 20 {
		take()
	}
	return append(want, "consumer: took the last item; took 20")
}

func TestExactSequenceInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, condition.New(), 1)
		got := demotest.Messages(c)
		// The two goroutines announce their start in either order.
		starts := slices.Sorted(slices.Values(got[:2]))
		if !slices.Equal(starts, []string{"consumer: starts taking items", "producer: starts adding items"}) {
			t.Fatalf("start events %v", got[:2])
		}
		if want := expected(); !slices.Equal(got[2:], want) {
			t.Fatalf("events\n%s\nwant\n%s", strings.Join(got[2:], "\n"), strings.Join(want, "\n"))
		}
		wait := c.Events[demotest.Index(c, "producer", "stops and waits")].T
		wake := c.Events[demotest.Index(c, "producer", "woken")].T
		if wait != 20*time.Second || wake != 20500*time.Millisecond {
			t.Errorf("producer waited from %v to %v, want 20s to 20.5s", wait, wake)
		}
		if end := c.Events[len(c.Events)-1].T; end != 40500*time.Millisecond {
			t.Errorf("run ended at %v, want 40.5s", end)
		}
		m := demotest.Metrics[condition.Metrics](t, res)
		want := condition.Metrics{Items: 20, Produced: 20, Consumed: 20, Capacity: 10, Consumers: 1, MaxLen: 10,
			ProducerWaits: 1, ConsumerWaits: 0, Rewaits: 0, ProducerWaitedMs: 500}
		if m != want || !res.Observed {
			t.Errorf("result %+v", res)
		}
	})
}

// replay rebuilds the list length from the events and checks it against
// the capacity and against the lengths the actors reported.
func replay(t *testing.T, c *demotest.Capture, capacity int) (maxLen int) {
	t.Helper()
	length := 0
	for _, e := range c.Events {
		switch e.Kind {
		case ev.Send:
			length++
		case ev.Recv:
			length--
		default:
			continue
		}
		if length < 0 || length > capacity {
			t.Fatalf("list length %d after %q (capacity %d)", length, e.Msg, capacity)
		}
		if e.Attrs["len"] != length {
			t.Fatalf("%s reported length %v, replay says %d", e.Actor, e.Attrs["len"], length)
		}
		maxLen = max(maxLen, length)
	}
	return maxLen
}

// Real time, several shapes: never above capacity, every item produced and
// consumed once, and a producer faster than its consumers waits.
func TestInvariantsInRealTime(t *testing.T) {
	cases := [][]string{
		nil,
		{"capacity=3"},
		{"capacity=1", "items=8"},
		{"consumers=3"},
		{"consumers=8", "capacity=2", "items=30"},
	}
	for _, knobs := range cases {
		res, c := demotest.MustRun(t, condition.New(), 200, knobs...)
		m := demotest.Metrics[condition.Metrics](t, res)
		if m.Produced != m.Items || m.Consumed != m.Items || m.MaxLen > m.Capacity {
			t.Errorf("%v: metrics %+v", knobs, m)
		}
		if got := replay(t, c, m.Capacity); got != m.MaxLen {
			t.Errorf("%v: replayed max length %d, metric %v", knobs, got, m.MaxLen)
		}
		// One consumer at half the producer's rate: the list must fill
		// (its capacity is below the items) and the producer must wait.
		if m.Consumers == 1 && m.Capacity < 10 && (m.ProducerWaits == 0 || !res.Observed) {
			t.Errorf("%v: slow consumer but the producer never waited: %+v", knobs, res)
		}
		// Each consumer ends, and their takes add up to the items.
		taken := 0
		for _, e := range c.Events {
			if e.Kind == ev.Recv {
				taken++
			}
		}
		if taken != m.Items {
			t.Errorf("%v: %d takes, want %v", knobs, taken, m.Items)
		}
	}
}

// Several consumers compete for each item. With four, a rewait is certain
// in fake time: at 2.5 s four consumers find two items, so two of them
// are asleep in Wait when item 3 arrives at 3 s; the Broadcast wakes both,
// one takes the item, and the other finds the list empty again.
func TestRewaitsWithManyConsumers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, condition.New(), 1, "consumers=4")
		again := slices.IndexFunc(c.Events, func(e ev.Event) bool { return strings.Contains(e.Msg, "waits again") })
		if again < 0 || c.Events[again].T != 3*time.Second {
			t.Fatalf("first rewait at event %d, want one at 3s", again)
		}
		rewaits := 0
		for _, e := range c.Events {
			if strings.Contains(e.Msg, "waits again") {
				rewaits++
			}
		}
		m := demotest.Metrics[condition.Metrics](t, res)
		if rewaits == 0 || m.Rewaits != rewaits || m.ConsumerWaits == 0 || !res.Observed {
			t.Fatalf("%d rewait events; result %+v", rewaits, res)
		}
		if !strings.Contains(res.Verdict, "for loop") {
			t.Errorf("verdict %q does not explain the loop", res.Verdict)
		}
	})
}

// A list that never fills shows nothing, and the verdict says so.
func TestHonestWhenListNeverFills(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, condition.New(), 1, "items=10")
		if res.Observed || res.Hint == "" || demotest.Metrics[condition.Metrics](t, res).ProducerWaits != 0 {
			t.Fatalf("want an honest 'not observed' with a hint, got %+v", res)
		}
	})
}

func TestInterruptWakesWaiters(t *testing.T) {
	for _, knobs := range [][]string{{"capacity=1"}, {"consumers=8"}} {
		ctx, cancel := context.WithCancel(context.Background())
		// At speed 10 the producer is blocked on a full list, or the
		// consumers on an empty one, when the interrupt comes.
		time.AfterFunc(350*time.Millisecond, cancel)
		_, _, err := demotest.RunCtx(ctx, t, condition.New(), 10, knobs...)
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("%v: err = %v, want ErrInterrupted", knobs, err)
		}
		cancel()
	}
}
