package demos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// bareOpts and bareMetrics are the types of a test scenario with neither
// knobs nor metrics.
type (
	bareOpts    struct{}
	bareMetrics struct{}
)

func demo(run func(ctx context.Context, env *demos.Env) (ev.Result, error)) demos.Demo {
	return demos.Scenario[bareOpts, bareMetrics]{Name: "t", ID: "T0", Title: "test",
		Run: func(ctx context.Context, env *demos.Env, _ *bareOpts) (ev.Result, error) {
			res, err := run(ctx, env)
			if res.Metrics == nil {
				res.Metrics = bareMetrics{}
			}
			return res, err
		}}.Demo()
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

// failAfter is an output that takes n bytes, then fails like a full disk.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		w.n = 0
		return 0, syscall.ENOSPC
	}
	w.n -= len(p)
	return len(p), nil
}

// A run whose output cannot be written (a full disk, a closed pipe) stops
// as after Ctrl-C, with the write error, instead of going on unseen; and
// one that finished before the loss still fails, since its result is lost.
func TestWriteErrorStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			for i := 0; ; i++ {
				env.Log("talker", ev.Step, fmt.Sprintf("line %d", i))
				if err := env.Sleep(ctx, 1); err != nil { // an hour of story at speed 10
					return ev.Result{}, err
				}
				if i == 3600 {
					return ev.Result{Verdict: "talked for an hour"}, nil
				}
			}
		})
		for _, mode := range []string{"text", "json"} {
			out := ui.Renderer(ui.NewJSON(&failAfter{n: 500}))
			if mode == "text" {
				out = ui.NewText(&failAfter{n: 500}, ui.NewTheme(false))
			}
			start := time.Now()
			_, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: 1, Speed: 10, Watchdog: time.Second}, out)
			var we *ui.WriteError
			if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("%s: err = %v, want a *ui.WriteError", mode, err)
			}
			if demos.ExitCode(err) != 1 {
				t.Errorf("%s: ExitCode(%v) = %d, want 1", mode, err, demos.ExitCode(err))
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("%s: the run went on for %s after its output failed", mode, took)
			}
		}
		quick := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			return ev.Result{Verdict: "done"}, nil
		})
		_, _, err := demos.Execute(context.Background(), quick, demos.Config{Seed: 1, Speed: 10}, ui.NewJSON(&failAfter{n: 10}))
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("a finished run whose result line was lost: err = %v, want the write error", err)
		}
	})
}

// An Interrupt cause names its signal and carries its exit code; a plain
// cancel is Ctrl-C's 130.
func TestInterruptCause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := demo(func(ctx context.Context, env *demos.Env) (ev.Result, error) {
			return ev.Result{}, env.Sleep(ctx, 1000)
		})
		ctx, cancel := context.WithCancelCause(context.Background())
		time.AfterFunc(time.Second, func() { cancel(&demos.Interrupt{Signal: "SIGTERM", Code: 143}) })
		_, _, err := execute(t, ctx, d, time.Second)
		if !errors.Is(err, demos.ErrInterrupted) || demos.ExitCode(err) != 143 || err.Error() != "interrupted by SIGTERM" {
			t.Fatalf("err = %v (code %d), want interrupted by SIGTERM, 143", err, demos.ExitCode(err))
		}
		if c := demos.ExitCode(demos.ErrInterrupted); c != 130 {
			t.Errorf("ExitCode(ErrInterrupted) = %d, want 130", c)
		}
	})
}
