package coroutinecooperative_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/coroutinecooperative"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// stamped lists the run's events of part p ("A", "B", "C") as "time
// actor: message", leaving out phases and notes.
func stamped(c *demotest.Capture) map[string][]string {
	out := map[string][]string{}
	part := ""
	for _, e := range c.Events {
		switch e.Kind {
		case ev.Phase:
			part = e.Msg[:1]
		case ev.Note:
		default:
			out[part] = append(out[part], fmt.Sprintf("%v %s: %s", e.T, e.Actor, e.Msg))
		}
	}
	return out
}

// In fake time the cooperative parts are exact, event by event: A
// interleaves by wake-up time; in B nothing but Bruce happens until his
// blocking sleeps are over, and then everybody reports the 5 s wait.
func TestExactScheduleInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, coroutinecooperative.New(), 1)
		parts := stamped(c)
		wantA := []string{
			"0s Bruce: play 1, then yields for 2 s", "0s Alvin: eat 1, then yields for 1 s",
			"0s Amadeus: play 1, then yields for 2 s", "0s Google: eat 1, then yields for 1 s",
			"1s Alvin: eat 2, then yields for 2 s", "1s Google: eat 2, then yields for 2 s",
			"2s Bruce: play 2, then yields for 3 s", "2s Amadeus: play 2, then yields for 3 s",
			"3s Alvin: eat 3, then yields for 3 s", "3s Google: eat 3, then yields for 3 s",
			"5s Bruce: play 3, done", "5s Amadeus: play 3, done",
			"6s Alvin: eat 4, done", "6s Google: eat 4, done",
		}
		if !slices.Equal(parts["A"], wantA) {
			t.Errorf("part A\n%q\nwant\n%q", parts["A"], wantA)
		}
		wantB := []string{
			"6s Bruce: play 1, then time.sleep(2), which keeps the thread",
			"8s Bruce: play 2, then time.sleep(3), which keeps the thread",
			"11s Bruce: play 3, done",
			"11s Alvin: got the thread 5 s late: Bruce kept it, asleep",
			"11s Alvin: eat 1, then yields for 1 s",
			"11s Amadeus: got the thread 5 s late: Bruce kept it, asleep",
			"11s Amadeus: play 1, then yields for 2 s",
			"11s Google: got the thread 5 s late: Bruce kept it, asleep",
			"11s Google: eat 1, then yields for 1 s",
			"12s Alvin: eat 2, then yields for 2 s", "12s Google: eat 2, then yields for 2 s",
			"13s Amadeus: play 2, then yields for 3 s",
			"14s Alvin: eat 3, then yields for 3 s", "14s Google: eat 3, then yields for 3 s",
			"16s Amadeus: play 3, done",
			"17s Alvin: eat 4, done", "17s Google: eat 4, done",
		}
		if !slices.Equal(parts["B"], wantB) {
			t.Errorf("part B\n%q\nwant\n%q", parts["B"], wantB)
		}
		// C: goroutines at the same instant may report in any order, but
		// each reports once, when done, at part A's instants shifted by 17 s.
		gotC := slices.Clone(parts["C"])
		wantC := []string{
			"22s Bruce: play 3, done: 2 blocking sleeps (2+3 s), ≤ 0.00 s late",
			"22s Amadeus: play 3, done: 2 blocking sleeps (2+3 s), ≤ 0.00 s late",
			"23s Alvin: eat 4, done: 3 blocking sleeps (1+2+3 s), ≤ 0.00 s late",
			"23s Google: eat 4, done: 3 blocking sleeps (1+2+3 s), ≤ 0.00 s late",
		}
		slices.Sort(gotC)
		slices.Sort(wantC)
		if !slices.Equal(gotC, wantC) {
			t.Errorf("part C\n%q\nwant\n%q", gotC, wantC)
		}
		m := demotest.Metrics[coroutinecooperative.Metrics](t, res)
		want := coroutinecooperative.Metrics{Tasks: 4, Blocking: 1, ToleranceMs: 500, CoopWallMs: 6000, ExpectedCoopMs: 6000,
			BlockerHeldMs: 5000, StalledMinDelayMs: 5000, BlockingWallMs: 11000, ExpectedBlockingMs: 11000, GoroutineWallMs: 6000}
		if m != want {
			t.Errorf("metrics %+v\nwant %+v", m, want)
		}
		if !res.Observed {
			t.Errorf("not observed: %s", res.Verdict)
		}
		if out := demotest.Knobs(t, coroutinecooperative.New()).Classify(res); out.Name != "blocker stalled all" {
			t.Errorf("outcome %+v", out)
		}
	})
}

// The other knob settings, in fake time: the walls and delays follow the
// blockers exactly, and --blocking 0 is honestly "not shown".
func TestKnobsInFakeTime(t *testing.T) {
	for _, tc := range []struct {
		knobs            []string
		wallB, stalledMs float64
		observed         bool
		outcome          string
	}{
		{[]string{"blocking=0"}, 6000, 0, false, "nobody blocked"},
		// The cookbook's unpatched run: Bruce 5 s, then Alvin 6 s.
		{[]string{"tasks=2", "blocking=2"}, 11000, 5000, true, "blocker stalled all"},
		// Bruce 5, Alvin 6, Amadeus 5 in turn; then the rest, eaters 6 s.
		{[]string{"tasks=8", "blocking=3"}, 22000, 5000, true, "blocker stalled all"},
		{[]string{"tasks=8", "blocking=8"}, 44000, 5000, true, "blocker stalled all"},
	} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, coroutinecooperative.New(), 1, tc.knobs...)
			m := demotest.Metrics[coroutinecooperative.Metrics](t, res)
			if m.BlockingWallMs != tc.wallB || m.ExpectedBlockingMs != tc.wallB || m.StalledMinDelayMs != tc.stalledMs ||
				m.CoopWallMs != 6000 || m.GoroutineWallMs != 6000 || m.CoopMaxDelayMs != 0 || m.GoroutineMaxDelayMs != 0 {
				t.Errorf("%v: metrics %+v", tc.knobs, m)
			}
			if res.Observed != tc.observed {
				t.Errorf("%v: observed %v: %s", tc.knobs, res.Observed, res.Verdict)
			}
			if !tc.observed && res.Hint != "--blocking 1" {
				t.Errorf("%v: hint %q", tc.knobs, res.Hint)
			}
			if out := demotest.Knobs(t, coroutinecooperative.New(), tc.knobs...).Classify(res); out.Name != tc.outcome {
				t.Errorf("%v: outcome %+v", tc.knobs, out)
			}
		})
	}
}

func TestBlockingBeyondTasks(t *testing.T) {
	err := demotest.CheckErr(t, coroutinecooperative.New(), "tasks=2", "blocking=3")
	if err == nil || !strings.Contains(err.Error(), "--blocking 3 is more than --tasks 2") {
		t.Errorf("err %v", err)
	}
}

// In real time at the speed `pardemo verify` uses, the lesson shows.
func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, coroutinecooperative.New(), 50)
	m := demotest.Metrics[coroutinecooperative.Metrics](t, res)
	// Sleeps never end early: the blocker held the thread at least its
	// 5 story-s (100 ms), and the others waited about that long.
	if m.BlockerHeldMs < 100 || m.StalledMinDelayMs < 80 {
		t.Errorf("metrics %+v", m)
	}
	if !res.Observed {
		t.Logf("not observed on this machine: %s", res.Verdict)
	}
}

// Ctrl-C in each part, in a yielding sleep and in a blocking one, ends
// the run cleanly; goleak checks that no task was left behind.
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{1500 * time.Millisecond, 7 * time.Second, 12500 * time.Millisecond, 20 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, coroutinecooperative.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
