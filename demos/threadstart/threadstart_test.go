package threadstart_test

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
	"github.com/pardemo/pardemo/demos/threadstart"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// actorTimes lists, in order, the time (from the round's start) of each
// message of actor in round r (1 or 2), as "1s", "2s", ...
func actorTimes(c *demotest.Capture, actor string, r int) []time.Duration {
	round, begin := 0, time.Duration(0)
	var out []time.Duration
	for _, e := range c.Events {
		if e.Kind == ev.Phase {
			round++
			begin = e.T
			continue
		}
		if round == r && e.Actor == actor && strings.HasPrefix(e.Msg, "message ") {
			out = append(out, e.T-begin)
		}
	}
	return out
}

func seconds(xs ...float64) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

func equal(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// In fake time the story is exact: A speaks at 1..5 s, B at 2..10 s, in
// both rounds; without join main ends at 0 s, with join at exactly 10 s.
func TestScheduleInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, threadstart.New(), 1)
		for r := 1; r <= 2; r++ {
			if got, want := actorTimes(c, "A", r), seconds(1, 2, 3, 4, 5); !equal(got, want) {
				t.Errorf("round %d: A spoke at %v, want %v", r, got, want)
			}
			if got, want := actorTimes(c, "B", r), seconds(2, 4, 6, 8, 10); !equal(got, want) {
				t.Errorf("round %d: B spoke at %v, want %v", r, got, want)
			}
		}
		m := demotest.Metrics[threadstart.Metrics](t, res)
		want := threadstart.Metrics{Times: 5, StartMs: 0, MainEndedFirst: true, EndedAheadMs: 10000,
			JoinedWallMs: 10000, JoinedStoryS: 10, LongestStoryS: 10, SumStoryS: 15, OnPace: true}
		if m != want {
			t.Errorf("metrics %+v, want %+v", m, want)
		}
		if !res.Observed {
			t.Errorf("not observed: %s", res.Verdict)
		}
	})
}

// The order main reports in: round 1 "ended" before any worker message,
// round 2 "ended" after every worker message.
func TestMainEndsBeforeOrAfterWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := demotest.MustRun(t, threadstart.New(), 1, "times=3")
		var ends []int
		var phases []int
		for i, e := range c.Events {
			if e.Kind == ev.Phase {
				phases = append(phases, i)
			}
			if e.Actor == "main" && e.Msg == "ended" {
				ends = append(ends, i)
			}
		}
		if len(ends) != 2 || len(phases) != 2 {
			t.Fatalf("ends %v phases %v", ends, phases)
		}
		for i, e := range c.Events {
			if e.Actor != "A" && e.Actor != "B" {
				continue
			}
			if i > phases[0] && i < phases[1] && i < ends[0] {
				t.Errorf("round 1: %s spoke (event %d) before main ended (event %d)", e.Actor, i, ends[0])
			}
			if i > phases[1] && i > ends[1] {
				t.Errorf("round 2: %s spoke (event %d) after main ended (event %d)", e.Actor, i, ends[1])
			}
		}
		if demotest.Index(c, "main", "collected A and B") < 0 {
			t.Error("round 1 never collected its workers")
		}
	})
}

// Real time: every message is printed, and the joined wall is measured.
func TestRealTime(t *testing.T) {
	res, c := demotest.MustRun(t, threadstart.New(), 200, "times=4")
	n := 0
	for _, e := range c.Events {
		if e.Actor == "A" || e.Actor == "B" {
			n++
		}
	}
	if n != 16 {
		t.Errorf("%d worker messages, want 16", n)
	}
	if w := demotest.Metrics[threadstart.Metrics](t, res).JoinedWallMs; w < 40 { // 8 story-s at speed 200
		t.Errorf("joined wall %v ms is shorter than the longest worker", w)
	}
}

// Ctrl-C at any point ends the run with ErrInterrupted and leaves no
// worker behind (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{500 * time.Millisecond, 3 * time.Second, 13 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, threadstart.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
