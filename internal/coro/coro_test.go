package coro_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/internal/coro"
)

func TestSendBeforeNextPanics(t *testing.T) {
	c := coro.New(func(yield func(int) int) { yield(1) })
	defer c.Close()
	defer func() {
		if recover() == nil {
			t.Error("Send to a fresh coroutine did not panic")
		}
	}()
	c.Send(5)
}

func TestBodyReturns(t *testing.T) {
	c := coro.New(func(yield func(int) int) {
		got := yield(1)
		yield(got * 10)
	})
	if v, ok := c.Next(); v != 1 || !ok {
		t.Fatalf("Next = %d, %v", v, ok)
	}
	if v, ok := c.Send(4); v != 40 || !ok {
		t.Fatalf("Send(4) = %d, %v", v, ok)
	}
	if _, ok := c.Send(0); ok || !c.Done() {
		t.Fatalf("body returned but ok = %v, done = %v", ok, c.Done())
	}
	if _, ok := c.Send(0); ok {
		t.Fatal("Send after the end said ok")
	}
	c.Close() // harmless once finished
}

// A panic in the body (other than Close's unwinding) reaches the caller.
func TestBodyPanicPropagates(t *testing.T) {
	c := coro.New(func(yield func(int) int) { panic("boom") })
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v", p)
		}
	}()
	c.Next()
}

// Closing a coroutine that never started runs nothing.
func TestCloseUnstarted(t *testing.T) {
	ran := false
	c := coro.New(func(yield func(int) int) { ran = true })
	c.Close()
	if _, ok := c.Next(); ok || ran {
		t.Errorf("ok %v, ran %v", ok, ran)
	}
}

// Switching to a finished greenlet is a programming error.
func TestSwitchToFinishedPanics(t *testing.T) {
	var hub coro.Hub[int]
	defer hub.Close()
	g := hub.Spawn("g", func(*coro.Greenlet[int], int) {})
	if _, fin := hub.Switch(g, 0); !fin {
		t.Fatal("g did not finish")
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	hub.Switch(g, 0)
}

// A greenlet can hand control back to main with a nil target, and main
// can resume it later where it stopped.
func TestSwitchToMain(t *testing.T) {
	var hub coro.Hub[int]
	defer hub.Close()
	g := hub.Spawn("g", func(g *coro.Greenlet[int], x int) {
		for {
			x = g.Switch(nil, x*2)
		}
	})
	for _, x := range []int{1, 5, 7} {
		if back, fin := hub.Switch(g, x); back != 2*x || fin {
			t.Errorf("switch %d: back %d, finished %v", x, back, fin)
		}
	}
	if s := hub.Suspended(); !slices.Equal(s, []string{"g"}) {
		t.Errorf("suspended %v", s)
	}
}

// In fake time the scheduler's numbers are exact: two cooperative
// sleepers overlap, and a blocking sleep of 3s delays the sleeper that
// was due at 1s by 2s, and the other task's first run by 3s.
func TestSchedulerFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := coro.NewRealClock()
		s := &coro.Scheduler{Clock: clock}
		var log []string
		at := func(t *coro.Task, what string) {
			log = append(log, fmt.Sprintf("%v %s %s", clock.Now(), t.Name, what))
		}
		s.Go("coop", func(t *coro.Task) {
			at(t, "sleeps 1s")
			t.Sleep(time.Second)
			at(t, "woke")
		})
		s.Go("blocker", func(t *coro.Task) {
			at(t, "blocks 3s")
			time.Sleep(3 * time.Second)
			at(t, "done")
		})
		s.Go("late", func(t *coro.Task) { at(t, "first run") })
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := []string{"0s coop sleeps 1s", "0s blocker blocks 3s", "3s blocker done", "3s late first run", "3s coop woke"}
		if !slices.Equal(log, want) {
			t.Errorf("log\n%q\nwant\n%q", log, want)
		}
		delays := map[string]time.Duration{}
		for _, tk := range s.Tasks() {
			delays[tk.Name] = tk.MaxDelay
		}
		if delays["coop"] != 2*time.Second || delays["late"] != 3*time.Second || delays["blocker"] != 0 {
			t.Errorf("delays %v", delays)
		}
		if b := s.Tasks()[1]; b.Held != 3*time.Second || b.Finished != 3*time.Second {
			t.Errorf("blocker held %v, finished %v", b.Held, b.Finished)
		}
	})
}

// Cooperative sleeps only: every task is on time, and the run lasts as
// long as the longest task, not the sum.
func TestSchedulerNoStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := coro.NewRealClock()
		s := &coro.Scheduler{Clock: clock}
		for i := range 5 {
			s.Go(fmt.Sprint("t", i), func(t *coro.Task) {
				for range 3 {
					t.Sleep(time.Duration(i+1) * time.Second)
				}
			})
		}
		if err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if now := clock.Now(); now != 15*time.Second {
			t.Errorf("ran for %v, want the longest task's 15s", now)
		}
		for _, tk := range s.Tasks() {
			if tk.MaxDelay != 0 || tk.Runs != 4 {
				t.Errorf("%s: delay %v, runs %d", tk.Name, tk.MaxDelay, tk.Runs)
			}
		}
	})
}

// When ctx ends, Run stops, unwinds every unfinished task and returns
// the cause; no goroutine is left behind (goleak checks at exit).
func TestSchedulerCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
		defer cancel()
		s := &coro.Scheduler{Clock: coro.NewRealClock()}
		unwound := 0
		for i := range 3 {
			s.Go(fmt.Sprint("t", i), func(t *coro.Task) {
				defer func() { unwound++ }()
				for {
					t.Sleep(time.Second)
				}
			})
		}
		err := s.Run(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || unwound != 3 {
			t.Errorf("err %v, unwound %d", err, unwound)
		}
	})
}

// Independent coroutines, hubs and schedulers on many goroutines at once
// share nothing: this is for -race.
func TestManyAtOnce(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			sum := coro.New(func(yield func(int) int) {
				total := 0
				for x := yield(0); ; x = yield(total) {
					total += x
				}
			})
			defer sum.Close()
			sum.Next()
			var got int
			for x := range 1000 {
				got, _ = sum.Send(x)
			}
			if got != 999*1000/2 {
				t.Errorf("goroutine %d: sum %d", i, got)
			}
			var hub coro.Hub[int]
			defer hub.Close()
			var a, b *coro.Greenlet[int]
			a = hub.Spawn("a", func(g *coro.Greenlet[int], n int) {
				for n < 100 {
					n = g.Switch(b, n+1)
				}
			})
			b = hub.Spawn("b", func(g *coro.Greenlet[int], n int) {
				for {
					n = g.Switch(a, n+1)
				}
			})
			hub.Switch(a, 0)
			s := &coro.Scheduler{Clock: coro.NewRealClock()}
			for range 4 {
				s.Go("t", func(t *coro.Task) { t.Sleep(time.Millisecond) })
			}
			if err := s.Run(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
