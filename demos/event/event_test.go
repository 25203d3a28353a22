package event_test

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
	"github.com/pardemo/pardemo/demos/event"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// pulseTimes returns when each pulse fired and which pulses woke the
// consumer, from the events alone.
func pulseTimes(c *demotest.Capture) (fired []time.Duration, woke []int) {
	for _, e := range c.Events {
		switch {
		case e.Actor == "producer" && e.Kind == ev.Send:
			fired = append(fired, e.T)
		case e.Actor == "consumer" && e.Kind == ev.Wake:
			woke = append(woke, e.Attrs["pulse"].(int))
		}
	}
	return fired, woke
}

// In fake time the default run is exact: pulses at 2, 4, ..., 20 s; the
// consumer, busy for 3 s after each pop, is waiting only at the odd
// pulses, so it catches 1, 3, 5, 7, 9 and misses the rest.
func TestExactRunInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, event.New(), 1)
		fired, woke := pulseTimes(c)
		for i, at := range fired {
			if want := time.Duration(i+1) * 2 * time.Second; at != want {
				t.Errorf("pulse #%d at %v, want %v", i+1, at, want)
			}
		}
		if want := []int{1, 3, 5, 7, 9}; !slices.Equal(woke, want) {
			t.Errorf("woken by pulses %v, want %v", woke, want)
		}
		// The consumer goes back to waiting with items already in the list.
		var waits []string
		for _, e := range c.Events {
			if e.Actor == "consumer" && e.Kind == ev.Wait {
				waits = append(waits, fmt.Sprint(e.T, " ", e.Attrs["len"]))
			}
		}
		if want := []string{"0s 0", "5s 1", "9s 2", "13s 3", "17s 4"}; !slices.Equal(waits, want) {
			t.Errorf("consumer waits (time, list length) = %v, want %v", waits, want)
		}
		if i := demotest.Index(c, "consumer", "missed 1 pulse(s) while busy"); i < 0 || c.Events[i].T != 6*time.Second {
			t.Errorf("no 'missed' report at 6s")
		}
		if end := c.Events[len(c.Events)-1]; end.Actor != "consumer" || end.T != 21*time.Second || !strings.Contains(end.Msg, "5 item(s) were never popped") {
			t.Errorf("last event %+v", end)
		}
		m := demotest.Metrics[event.Metrics](t, res)
		want := event.Metrics{Items: 10, Produced: 10, Consumed: 5, Pulses: 10, CaughtPulses: 5, MissedPulses: 5, LeftOver: 5}
		if m != want || !res.Observed {
			t.Errorf("result %+v", res)
		}
	})
}

// A consumer quicker than the pulses catches every one, and the verdict
// admits the lesson did not show.
func TestHonestWhenNothingMissed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, event.New(), 1, "work=1")
		m := demotest.Metrics[event.Metrics](t, res)
		if m.MissedPulses != 0 || m.LeftOver != 0 || m.Consumed != 10 || res.Observed || res.Hint == "" {
			t.Fatalf("want nothing missed and an honest verdict, got %+v", res)
		}
	})
}

func TestOneInThreeWithLongWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, event.New(), 1, "work=5", "items=12")
		if _, woke := pulseTimes(c); !slices.Equal(woke, []int{1, 4, 7, 10}) {
			t.Errorf("woken by pulses %v, want 1, 4, 7, 10", woke)
		}
		if m := demotest.Metrics[event.Metrics](t, res); m.MissedPulses != 8 || m.LeftOver != 8 {
			t.Errorf("metrics %+v", m)
		}
	})
}

// Real time: whatever the scheduler did, the counts add up, and each woken
// pulse is reported once, in order.
func TestCountsAddUpInRealTime(t *testing.T) {
	for _, knobs := range [][]string{nil, {"work=1"}, {"work=2", "items=30"}, {"items=1"}} {
		res, c := demotest.MustRun(t, event.New(), 200, knobs...)
		m := demotest.Metrics[event.Metrics](t, res)
		if m.Produced != m.Items || m.Pulses != m.Items ||
			m.Consumed+m.LeftOver != m.Produced ||
			m.CaughtPulses+m.MissedPulses != m.Pulses ||
			m.CaughtPulses != m.Consumed {
			t.Errorf("%v: metrics %+v", knobs, m)
		}
		_, woke := pulseTimes(c)
		if len(woke) != m.CaughtPulses || !slices.IsSorted(woke) || len(slices.Compact(slices.Clone(woke))) != len(woke) {
			t.Errorf("%v: woken by %v", knobs, woke)
		}
		if res.Observed != (m.MissedPulses > 0) {
			t.Errorf("%v: observed %v with %v missed", knobs, res.Observed, m.MissedPulses)
		}
	}
}

func TestInterruptStopsEverything(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := demotest.RunCtx(ctx, t, event.New(), 1)
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
}
