package coroutineswitch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/coroutineswitch"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// In fake time the whole run is exact: the events, their order and their
// times. Turns are 1 s each, one after another, in both parts.
func TestExactInterleavingInFakeTime(t *testing.T) {
	for _, n := range []int{1, 3, 7} {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, coroutineswitch.New(), 1, fmt.Sprint("times=", n))
			var got []string
			for _, e := range c.Events {
				if e.Kind == ev.Step {
					got = append(got, fmt.Sprintf("%v %s: %s", e.T, e.Actor, e.Msg))
				}
			}
			var want []string
			at := time.Duration(0)
			for range 2 { // part A, then part B
				for i := 1; i <= n; i++ {
					want = append(want, fmt.Sprintf("%v Bruce: play %d", at, i))
					at += time.Second
					want = append(want, fmt.Sprintf("%v Alvin: eat %d", at, i))
					at += time.Second
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("n=%d: turns\n%q\nwant\n%q", n, got, want)
			}
			m := demotest.Metrics[coroutineswitch.Metrics](t, res)
			wantM := coroutineswitch.Metrics{Times: n, GreenletOrderOK: true, GoroutineOrderOK: true, MaxActive: 1,
				Switches: 2*n - 1, LeftSuspended: true, GreenletWallMs: float64(2000 * n), GoroutineWallMs: float64(2000 * n),
				ExpectedMs: float64(2000 * n)}
			if m != wantM {
				t.Errorf("n=%d: metrics %+v\nwant %+v", n, m, wantM)
			}
			if !res.Observed {
				t.Errorf("n=%d: not observed: %s", n, res.Verdict)
			}
			if out := demotest.Knobs(t, coroutineswitch.New(), fmt.Sprint("times=", n)).Classify(res); out.Class != demos.Acceptable {
				t.Errorf("n=%d: outcome %+v", n, out)
			}
		})
	}
}

// In real time, at a high speed, the order is still exact (it does not
// depend on timing at all).
func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, coroutineswitch.New(), 1000, "times=10")
	m := demotest.Metrics[coroutineswitch.Metrics](t, res)
	if !m.GreenletOrderOK || !m.GoroutineOrderOK || m.MaxActive != 1 || !m.LeftSuspended {
		t.Errorf("metrics %+v", m)
	}
	// Sleeps never end early: 20 turns of 1 ms each.
	if m.GreenletWallMs < 20 || m.GoroutineWallMs < 20 {
		t.Errorf("walls %v, %v below the 20 turns", m.GreenletWallMs, m.GoroutineWallMs)
	}
}

// Ctrl-C in either part ends the run with ErrInterrupted and leaves no
// goroutine or coroutine behind (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{500 * time.Millisecond, 3500 * time.Millisecond, 7500 * time.Millisecond, 11 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, coroutineswitch.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
