package threaddaemon_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
			m := demotest.Metrics[threaddaemon.Metrics](t, res)
			delays := m.DelaysS
			var want []string
			longest := 0.0
			for name, d := range delays {
				if d < float64(exit) {
					want = append(want, name)
				}
				longest = max(longest, d)
			}
			got := slices.Clone(m.Finished)
			// finished is in finishing order: sleeps must not decrease.
			for i := 1; i < len(got); i++ {
				if delays[got[i]] < delays[got[i-1]] {
					t.Errorf("exit=%d: %s finished after %s but slept less", exit, got[i], got[i-1])
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("exit=%d: finished %v, want %v (delays %v)", exit, got, want, delays)
			}
			if m.TotalAtExit != len(want) || m.CutOff != 10-len(want) || m.TotalWaited != 10 ||
				m.Workers != 10 || m.ExitAfterS != exit || m.FinishedAtExit != len(want) || len(delays) != 10 {
				t.Errorf("exit=%d: metrics %+v", exit, m)
			}
			// delays_s is rounded to ms; the wait is the exact longest sleep.
			if w := m.WaitedMs; w < longest*1000-1 || w > longest*1000+1 {
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
		da := demotest.Metrics[threaddaemon.Metrics](t, a).DelaysS
		db := demotest.Metrics[threaddaemon.Metrics](t, b).DelaysS
		if len(da) == 0 || !maps.Equal(da, db) {
			t.Errorf("same seed, different sleeps: %v vs %v", da, db)
		}
	})
}

// Real time: whatever the schedule, the totals match who finished, and
// waiting always gets every worker.
func TestInvariantsRealTime(t *testing.T) {
	for _, knobs := range [][]string{nil, {"workers=50", "exit-after=0"}, {"workers=3", "exit-after=3"}} {
		res, _ := demotest.MustRun(t, threaddaemon.New(), 300, knobs...)
		m := demotest.Metrics[threaddaemon.Metrics](t, res)
		if m.TotalAtExit != len(m.Finished) || m.TotalWaited != m.Workers ||
			m.CutOff+m.FinishedAtExit != m.Workers {
			t.Errorf("%v: metrics %+v", knobs, m)
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
		m := demotest.Metrics[threaddaemon.Metrics](t, res)
		if m.CutOff != 0 || m.TotalAtExit != 4 || res.Observed || res.Hint == "" {
			t.Fatalf("want nobody cut off, lesson not observed, a hint; got %+v %q (hint %q)", m, res.Verdict, res.Hint)
		}
	})
}

// Main returning at once leaves nobody finished: the JSON says [] (a list,
// as documented), not null.
func TestNobodyFinishedIsAnEmptyList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, threaddaemon.New(), 1, "exit-after=0")
		m := demotest.Metrics[threaddaemon.Metrics](t, res)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if m.FinishedAtExit != 0 {
			t.Fatalf("%d finished at once; the test needs a run where nobody did", m.FinishedAtExit)
		}
		if !strings.Contains(string(b), `"finished":[]`) {
			t.Errorf("nobody finished, but the metrics say %s", b)
		}
	})
}
