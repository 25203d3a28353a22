package threaddaemon_test

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
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/threaddaemon"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// In fake time the split is exact: exactly the workers that sleep less
// than main lives finish, in the order of their sleeps; waiting for them
// takes exactly the longest sleep.
func TestSplitInFakeTime(t *testing.T) {
	for _, exit := range []int{0, 1, 2} {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, threaddaemon.New(), 1, fmt.Sprint("exit-after=", exit))
			m := res.Metrics
			delays := m["delays_s"].(map[string]any)
			var want []string
			longest := 0.0
			for name, d := range delays {
				if d.(float64) < float64(exit) {
					want = append(want, name)
				}
				longest = max(longest, d.(float64))
			}
			got := slices.Clone(m["finished"].([]string))
			// finished is in finishing order: sleeps must not decrease.
			for i := 1; i < len(got); i++ {
				if delays[got[i]].(float64) < delays[got[i-1]].(float64) {
					t.Errorf("exit=%d: %s finished after %s but slept less", exit, got[i], got[i-1])
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("exit=%d: finished %v, want %v (delays %v)", exit, got, want, delays)
			}
			if m["total_at_exit"] != len(want) || m["cut_off"] != 10-len(want) || m["total_waited"] != 10 {
				t.Errorf("exit=%d: metrics %v", exit, m)
			}
			// delays_s is rounded to ms; the wait is the exact longest sleep.
			if w := m["waited_ms"].(float64); w < longest*1000-1 || w > longest*1000+1 {
				t.Errorf("exit=%d: waited %v ms, longest sleep %v s", exit, w, longest)
			}
			if res.Observed != (len(want) < 10) {
				t.Errorf("exit=%d: observed %v: %s", exit, res.Observed, res.Verdict)
			}
			// No cut-off worker reported adding to the total in part 1.
			returned := demotest.Index(c, "main", "returns: total")
			for _, e := range c.Events[:returned] {
				if strings.HasPrefix(e.Msg, "adds") && !slices.Contains(want, e.Actor) {
					t.Errorf("exit=%d: %s added before main returned but should have been cut off", exit, e.Actor)
				}
			}
		})
	}
}

// The same seed draws the same sleeps.
func TestSeedReplays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, _ := demotest.MustRun(t, threaddaemon.New(), 1)
		b, _ := demotest.MustRun(t, threaddaemon.New(), 1)
		if fmt.Sprint(a.Metrics["delays_s"]) != fmt.Sprint(b.Metrics["delays_s"]) {
			t.Errorf("same seed, different sleeps: %v vs %v", a.Metrics["delays_s"], b.Metrics["delays_s"])
		}
	})
}

// Real time: whatever the schedule, the totals match who finished, and
// waiting always gets every worker.
func TestInvariantsRealTime(t *testing.T) {
	for _, knobs := range [][]string{nil, {"workers=50", "exit-after=0"}, {"workers=3", "exit-after=3"}} {
		res, _ := demotest.MustRun(t, threaddaemon.New(), 300, knobs...)
		m := res.Metrics
		if m["total_at_exit"] != len(m["finished"].([]string)) || m["total_waited"] != m["workers"] ||
			m["cut_off"].(int)+m["finished_at_exit"].(int) != m["workers"] {
			t.Errorf("%v: metrics %v", knobs, m)
		}
	}
}

// Ctrl-C while the "daemon" workers sleep, or while main waits for them:
// the run ends with ErrInterrupted and no worker is left behind.
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, threaddaemon.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}

// When main outlives every worker (sleeps are under 2 story-seconds), no
// one is cut off and the verdict says the lesson did not show, with a knob.
func TestNobodyCutOffIsHonest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, threaddaemon.New(), 10, "exit-after=3", "workers=4")
		if res.Metrics["cut_off"] != 0 || res.Metrics["total_at_exit"] != 4 || res.Observed || res.Hint == "" {
			t.Fatalf("want nobody cut off, lesson not observed, a hint; got %v %q (hint %q)", res.Metrics, res.Verdict, res.Hint)
		}
	})
}
