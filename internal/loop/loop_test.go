package loop_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/internal/loop"
)

// In fake time a chain of CallLater callbacks runs at exactly the loop
// times asked for, at any speed.
func TestCallLaterExactTimes(t *testing.T) {
	for _, speed := range []float64{1, 10, 1000} {
		synctest.Test(t, func(t *testing.T) {
			l := loop.New(loop.Options{Speed: speed})
			var at []float64
			var tick func()
			tick = func() {
				at = append(at, l.Time())
				if len(at) < 4 {
					l.CallLater(1, tick)
				}
			}
			l.CallSoon(tick)
			start := time.Now()
			if err := l.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			for i, x := range at {
				if d := x - float64(i); d > 1e-9 || d < -1e-9 {
					t.Errorf("speed %g: callback %d at loop time %v", speed, i, x)
				}
			}
			if got, want := time.Since(start), time.Duration(3/speed*float64(time.Second)); got != want {
				t.Errorf("speed %g: ran for %v, want %v", speed, got, want)
			}
		})
	}
}

// Many tasks switching often never run at the same time: the counter
// they share without a lock is exact, the race detector is quiet, and
// the loop counted one holder at most.
func TestOneHolderAtATime(t *testing.T) {
	l := loop.New(loop.Options{Speed: 1000})
	shared := 0
	for i := range 50 {
		loop.Go(l, fmt.Sprint("t", i), func(co *loop.Co) (struct{}, error) {
			for range 40 {
				v := shared
				if err := co.Sleep(0); err != nil {
					return struct{}{}, err
				}
				shared = v + 1 // the others ran during the await
			}
			return struct{}{}, nil
		})
	}
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := l.Stats()
	if s.MaxHolders != 1 || s.Tasks != 50 || s.Steps != 50*41 {
		t.Errorf("stats %+v", s)
	}
	// The read-await-write lost updates, as it does in asyncio: an await
	// between read and write is where other tasks run.
	if shared >= 50*40 {
		t.Errorf("shared = %d: no update lost across the await", shared)
	}
}

// Without an await between read and write, no update is lost.
func TestNoAwaitNoLostUpdate(t *testing.T) {
	l := loop.New(loop.Options{Speed: 1000})
	shared := 0
	for range 20 {
		loop.Go(l, "t", func(co *loop.Co) (struct{}, error) {
			for range 30 {
				shared++
				if err := co.Sleep(0); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
	}
	if err := l.Run(context.Background()); err != nil || shared != 600 {
		t.Errorf("shared %d, err %v", shared, err)
	}
}

// Cancellation: a sleeping task wakes with ErrCancelled at the moment it
// is cancelled; a task cancelled before it started never runs; a task
// that cancels itself fails at its next await.
func TestCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := loop.New(loop.Options{Speed: 1})
		var woke float64
		sleeper := loop.Go(l, "sleeper", func(co *loop.Co) (int, error) {
			err := co.Sleep(100)
			woke = l.Time()
			return 1, err
		})
		ran := false
		never := loop.Go(l, "never", func(co *loop.Co) (int, error) { ran = true; return 2, nil })
		never.Cancel()
		var self *loop.Task[int]
		self = loop.Go(l, "self", func(co *loop.Co) (int, error) {
			self.Cancel()
			return 3, co.Sleep(1)
		})
		l.CallLater(2.5, func() { sleeper.Cancel() })
		if err := l.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !sleeper.Cancelled() || woke != 2.5 {
			t.Errorf("sleeper cancelled %v, woke at %v", sleeper.Cancelled(), woke)
		}
		if ran || !never.Cancelled() {
			t.Errorf("cancelled before start, yet ran=%v", ran)
		}
		if !self.Cancelled() || l.Time() != 2.5 {
			t.Errorf("self-cancel %v, loop ended at %v", self.Cancelled(), l.Time())
		}
		if _, err := sleeper.Result(); !errors.Is(err, loop.ErrCancelled) {
			t.Errorf("result of a cancelled task: %v", err)
		}
		if sleeper.Cancel() {
			t.Error("cancelled a finished task")
		}
	})
}

// A task waiting in a queue get, cancelled, leaves the line: the next
// item goes to the next getter.
func TestCancelledGetterLeavesTheLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := loop.New(loop.Options{})
		q := loop.NewQueue[int](l)
		var got []string
		getter := func(name string) func(co *loop.Co) (int, error) { return getInto(q, name, &got) }
		first := loop.Go(l, "first", getter("first"))
		loop.Go(l, "second", getter("second"))
		l.CallLater(1, func() { first.Cancel() })
		l.CallLater(2, func() { q.Put(7) })
		if err := l.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"second=7"}) || !first.Cancelled() {
			t.Errorf("got %v", got)
		}
	})
}

// A getter cancelled after a Put chose it, before it ran, passes the
// item on to the next getter (asyncio's Queue.get does the same); found
// in review: the item used to stay in the queue with the other getter
// asleep, and Run reported a deadlock.
func TestCancelledWokenGetterPassesTheItemOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := loop.New(loop.Options{})
		q := loop.NewQueue[int](l)
		var got []string
		getter := func(name string) func(co *loop.Co) (int, error) { return getInto(q, name, &got) }
		a := loop.Go(l, "a", getter("a"))
		loop.Go(l, "b", getter("b"))
		l.CallLater(1, func() {
			q.Put(1)
			a.Cancel()
		})
		if err := l.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"b=1"}) || !a.Cancelled() || q.Len() != 0 {
			t.Errorf("got %v, a cancelled %v, %d left in the queue", got, a.Cancelled(), q.Len())
		}
	})
}

// Tasks waiting for something nobody will ever give are a deadlock,
// which Run reports (asyncio would hang).
func TestDeadlock(t *testing.T) {
	l := loop.New(loop.Options{})
	f := loop.NewFuture[int](l)
	loop.Go(l, "waiter", func(co *loop.Co) (int, error) { return loop.Await(co, f) })
	var d *loop.DeadlockError
	if err := l.Run(context.Background()); !errors.As(err, &d) || !slices.Equal(d.Waiting, []string{"waiter"}) {
		t.Errorf("err %v", err)
	}
	if s := l.Stats(); s.Cancelled != 1 {
		t.Errorf("stats %+v", s)
	}
}

// When ctx ends, Run returns its cause; every task still waiting is
// cancelled and its goroutine has exited (goleak checks at the end).
func TestRunEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		l := loop.New(loop.Options{Speed: 1})
		var tasks []*loop.Task[int]
		for i := range 5 {
			tasks = append(tasks, loop.Go(l, fmt.Sprint("t", i), func(co *loop.Co) (int, error) {
				for {
					if err := co.Sleep(1); err != nil {
						// Clean-up cannot await: the loop is closing.
						return 0, co.Sleep(1)
					}
				}
			}))
		}
		err := l.Run(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v", err)
		}
		for _, task := range tasks {
			if !task.Cancelled() {
				t.Errorf("%s not cancelled", task.Name())
			}
		}
		if s := l.Stats(); s.Cancelled != 5 {
			t.Errorf("stats %+v", s)
		}
	})
}

// A blocking job on the executor does not stall the loop: a ticker keeps
// its 1-second beat while the job blocks for 3.5 seconds. The same call
// made in the task itself stalls every tick for as long.
func TestExecutorVersusBlocking(t *testing.T) {
	for _, useExecutor := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			l := loop.New(loop.Options{Speed: 1})
			pool := loop.NewPool(1)
			defer pool.Close()
			var ticks []float64
			ticker := loop.Go(l, "ticker", func(co *loop.Co) (struct{}, error) {
				for {
					if err := co.Sleep(1); err != nil {
						return struct{}{}, err
					}
					ticks = append(ticks, l.Time())
				}
			})
			loop.Go(l, "main", func(co *loop.Co) (struct{}, error) {
				if err := co.Sleep(0.5); err != nil {
					return struct{}{}, err
				}
				block := func() (int, error) { time.Sleep(3500 * time.Millisecond); return 1, nil }
				if useExecutor {
					if _, err := loop.Await(co, loop.RunInExecutor(l, pool, block)); err != nil {
						return struct{}{}, err
					}
				} else {
					_, _ = block() // the loop is held all along
				}
				if err := co.Sleep(1.2); err != nil {
					return struct{}{}, err
				}
				ticker.Cancel()
				return struct{}{}, nil
			})
			if err := l.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			want := []float64{1, 2, 3, 4, 5}
			if !useExecutor {
				want = []float64{4, 5} // the first tick came due at 1, and ran at 4
			}
			if !slices.Equal(ticks, want) {
				t.Errorf("executor %v: ticks at %v, want %v", useExecutor, ticks, want)
			}
			s := l.Stats()
			if !useExecutor && (s.LongestRun != 3500*time.Millisecond || s.LongestBy != "main") {
				t.Errorf("longest hold %v by %s", s.LongestRun, s.LongestBy)
			}
		})
	}
}

// Done callbacks run in the order they were added, at the next turn;
// a future is set once.
func TestFutureCallbacks(t *testing.T) {
	l := loop.New(loop.Options{})
	f := loop.NewFuture[int](l)
	var order []string
	f.AddDoneCallback(func(*loop.Future[int]) { order = append(order, "cb1") })
	f.AddDoneCallback(func(*loop.Future[int]) { order = append(order, "cb2") })
	l.CallSoon(func() {
		if err := f.SetResult(1); err != nil {
			t.Error(err)
		}
		if err := f.SetResult(2); !errors.Is(err, loop.ErrDone) {
			t.Errorf("second SetResult: %v", err)
		}
		order = append(order, "set")
		f.AddDoneCallback(func(*loop.Future[int]) { order = append(order, "cb3") })
	})
	if _, err := f.Result(); !errors.Is(err, loop.ErrNotDone) {
		t.Errorf("pending result: %v", err)
	}
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Result(); v != 1 || !slices.Equal(order, []string{"set", "cb1", "cb2", "cb3"}) {
		t.Errorf("v %d, order %v", v, order)
	}
}

// A panicking task fails its own future, not the program.
func TestPanicFailsTheTask(t *testing.T) {
	l := loop.New(loop.Options{})
	task := loop.Go(l, "bad", func(co *loop.Co) (int, error) { panic("boom") })
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := task.Result(); err == nil || err.Error() != "task bad panicked: boom" {
		t.Errorf("err %v", err)
	}
}

// A callback that panics ends Run with that panic, but only after the
// tasks it leaves behind are cancelled and their goroutines gone.
func TestCallbackPanicCleansUp(t *testing.T) {
	l := loop.New(loop.Options{})
	sleeper := loop.Go(l, "sleeper", func(co *loop.Co) (int, error) { return 0, co.Sleep(100) })
	l.CallLater(0.01, func() { panic("boom") })
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v", p)
			}
		}()
		_ = l.Run(context.Background())
	}()
	if !sleeper.Cancelled() {
		t.Error("the sleeper was left behind")
	}
}

// getInto is a task body that gets one item from q and records it in got
// as "name=item".
func getInto(q *loop.Queue[int], name string, got *[]string) func(co *loop.Co) (int, error) {
	return func(co *loop.Co) (int, error) {
		v, err := q.Get(co)
		if err == nil {
			*got = append(*got, fmt.Sprint(name, "=", v))
		}
		return v, err
	}
}
