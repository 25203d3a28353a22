package trafficlight_test

import (
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/trafficlight"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// With fake time the run is exactly the cookbook's: green until 10.5 s,
// red until 15.5 s; cars at 0, 3, 6, 9 cross at once, the cars arriving at
// 12 and 15 wait and cross together at 15.5.
func TestSequenceInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, trafficlight.New(), 1)
		want := []string{
			"light: GREEN: cars may cross",
			"car-1: arrives at the light", "car-1: crosses on green",
			"car-2: arrives at the light", "car-2: crosses on green",
			"car-3: arrives at the light", "car-3: crosses on green",
			"car-4: arrives at the light", "car-4: crosses on green",
			"light: RED: cars must wait",
			"car-5: arrives at the light", "car-5: the light is red: waits",
			"car-6: arrives at the light", "car-6: the light is red: waits",
			"light: GREEN: cars may cross",
		}
		got := demotest.Messages(c)
		if len(got) < len(want)+4 {
			t.Fatalf("too few events:\n%s", strings.Join(got, "\n"))
		}
		for i, w := range want {
			if got[i] != w {
				t.Fatalf("event %d = %q, want %q\nall:\n%s", i, got[i], w, strings.Join(got, "\n"))
			}
		}
		// Both waiting cars wake and cross; their order is up to the scheduler.
		rest := strings.Join(got[len(want):], "\n")
		for _, w := range []string{"car-5: crosses on green after waiting 3.5s", "car-6: crosses on green after waiting 500ms"} {
			if !strings.Contains(rest, w) {
				t.Errorf("missing %q in\n%s", w, rest)
			}
		}
		if red := c.Events[demotest.Index(c, "light", "RED")].T; red != 10500*time.Millisecond {
			t.Errorf("light turned red at %v, want 10.5s", red)
		}
		m := demotest.Metrics[trafficlight.Metrics](t, res)
		wantM := trafficlight.Metrics{Cars: 6, Crossed: 6, CrossedOnRed: 0, Waited: 2, MaxWaitMs: 3500, LongestWaiter: "car-5", LongestWaitStory: 3.5}
		if m != wantM {
			t.Errorf("metrics = %+v, want %+v", m, wantM)
		}
		if !res.Observed {
			t.Errorf("lesson not observed: %s", res.Verdict)
		}
	})
}

func TestEveryCarCrossesOnGreenInRealTime(t *testing.T) {
	for _, cars := range []int{1, 7, 15} {
		res, c := demotest.MustRun(t, trafficlight.New(), 200, "cars="+strconv.Itoa(cars))
		if m := demotest.Metrics[trafficlight.Metrics](t, res); m.Cars != cars || m.Crossed != cars || m.CrossedOnRed != 0 {
			t.Errorf("cars=%d: metrics %+v", cars, m)
		}
		// Independently of the verdict: replay the events in order.
		green := false
		for _, e := range c.Events {
			switch {
			case e.Actor == "light":
				green = e.Tone == ev.ToneGreen || (e.Tone == ev.ToneNone && green)
			case strings.HasPrefix(e.Msg, "crosses") && !green:
				t.Errorf("cars=%d: %s crossed while the light was red", cars, e.Actor)
			}
		}
	}
}

// A run where nobody meets red says so instead of claiming the lesson.
func TestHonestWhenNoCarWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, trafficlight.New(), 1, "cars=3")
		if m := demotest.Metrics[trafficlight.Metrics](t, res); res.Observed || res.Hint == "" || m.Waited != 0 {
			t.Errorf("want an honest 'not observed' with a hint, got %+v", res)
		}
	})
}
