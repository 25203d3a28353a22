package demos_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func demo(run func(ctx context.Context, env *demos.Env) (ev.Result, error)) demos.Demo {
	return demos.Demo{Name: "t", ID: "T0", Chapter: 1, Title: "test", Run: run}
}

func execute(t *testing.T, ctx context.Context, d demos.Demo, watchdog time.Duration) (ev.Result, *ui.Capture, error) {
	t.Helper()
	c := &ui.Capture{}
	res, _, err := demos.Execute(ctx, d, demos.Config{Seed: 1, Speed: 10, Watchdog: watchdog}, c)
	return res, c, err
}

// A scenario stuck on a channel is ended by the watchdog, which explains
// who was last heard doing what.
func TestWatchdogEndsAStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			env.Log("worker", ev.Wait, "waits for a lock nobody will release")
			select {
			case <-release:
			case <-ctx.Done():
				return ev.Result{}, context.Cause(ctx)
			}
			return ev.Result{}, nil
		})
		start := time.Now()
		_, c, err := execute(t, context.Background(), d, 2*time.Second)
		var stall *demos.StallError
		if !errors.As(err, &stall) {
			t.Fatalf("err = %v, want a StallError", err)
		}
		if took := time.Since(start); took < 2*time.Second || took > 3*time.Second {
			t.Errorf("stall declared after %v, want about 2s", took)
		}
		if !strings.Contains(stall.Error(), `worker last said "waits for a lock nobody will release"`) {
			t.Errorf("explanation: %v", stall)
		}
		if len(c.Fails) != 1 || len(c.Results) != 0 {
			t.Errorf("renderer saw fails %v results %v", c.Fails, c.Results)
		}
	})
}

// A scenario that deadlocks on purpose turns the stall into its lesson:
// it reads the cause and returns a result, with its own explanation.
func TestStallAsLesson(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			env.OnStall(func() string { return "A holds x and waits for y; B holds y and waits for x" })
			<-ctx.Done()
			s, ok := demos.Stalled(ctx)
			if !ok {
				return ev.Result{}, errors.New("not a stall")
			}
			return ev.Result{Verdict: s.Explain, Observed: true}, nil
		})
		res, _, err := execute(t, context.Background(), d, time.Second)
		if err != nil || !res.Observed || !strings.Contains(res.Verdict, "A holds x") {
			t.Fatalf("res %+v err %v", res, err)
		}
	})
}

// Sleeping on the story clock is progress: a long sleep is not a stall.
func TestSleepIsNotAStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			return ev.Result{Verdict: "slept"}, env.Sleep(ctx, 100) // 10 s at speed 10
		})
		if res, _, err := execute(t, context.Background(), d, time.Second); err != nil || res.Verdict != "slept" {
			t.Fatalf("res %+v err %v", res, err)
		}
	})
}

// Beats keep a long computation alive without events.
func TestBeatsKeepAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			for range 50 {
				time.Sleep(100 * time.Millisecond) // stands in for computing
				env.Beat()
			}
			return ev.Result{Verdict: "done"}, nil
		})
		if _, _, err := execute(t, context.Background(), d, time.Second); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInterrupt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			return ev.Result{}, env.Sleep(ctx, 1000)
		})
		if _, _, err := execute(t, ctx, d, time.Second); !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("err = %v", err)
		}
	})
}

// A scenario that ignores its context still cannot hang the program: after
// the grace period Execute gives up and says so.
func TestStuckScenarioIsAbandoned(t *testing.T) {
	block := make(chan struct{})
	defer close(block) // let the abandoned goroutine finish before goleak looks
	d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
		<-block
		return ev.Result{}, nil
	})
	c := &ui.Capture{}
	_, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: 1, Speed: 10, Watchdog: 200 * time.Millisecond, Grace: 100 * time.Millisecond}, c)
	var stall *demos.StallError
	if !errors.As(err, &stall) || !stall.Stuck || !strings.Contains(err.Error(), "did not stop") {
		t.Fatalf("err = %v", err)
	}
}

func TestPanicBecomesAnError(t *testing.T) {
	d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) { panic("boom") })
	if _, _, err := execute(t, context.Background(), d, time.Second); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

func TestEventsAreStampedInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			env.Log("a", ev.Start, "one", "n", 1)
			_ = env.Sleep(ctx, 5) // 0.5 s
			env.Logf("b", ev.Done, "two %d", 2)
			return ev.Result{Verdict: "ok"}, nil
		})
		_, c, err := execute(t, context.Background(), d, time.Second)
		if err != nil || len(c.Events) != 2 {
			t.Fatalf("%v %v", err, c.Events)
		}
		if c.Events[0].T != 0 || c.Events[1].T != 500*time.Millisecond || c.Events[0].Attrs["n"] != 1 || c.Events[1].Msg != "two 2" {
			t.Errorf("events %+v", c.Events)
		}
	})
}

func TestSeedStreamsReplay(t *testing.T) {
	a, b := demos.NewRand(7, 3), demos.NewRand(7, 3)
	for range 10 {
		if a.Int64() != b.Int64() {
			t.Fatal("same seed and stream gave different numbers")
		}
	}
	if demos.NewRand(7, 1).Int64() == demos.NewRand(7, 2).Int64() {
		t.Error("different streams gave the same first number")
	}
}
