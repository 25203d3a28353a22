package sync_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestEventWaitReturnsAfterSet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := isync.NewEvent()
		var waiters []<-chan result[struct{}]
		for range 5 {
			waiters = append(waiters, asyncErr(func() error { return e.Wait(t.Context()) }))
		}
		synctest.Wait()
		for _, w := range waiters {
			notDone(t, w, "Wait before Set")
		}

		e.Set()
		synctest.Wait()
		for _, w := range waiters {
			if r := done(t, w, "Wait after Set"); r.err != nil {
				t.Fatalf("Wait = %v, want nil", r.err)
			}
		}
		// Once set, Wait returns at once.
		if err := e.Wait(t.Context()); err != nil {
			t.Fatalf("Wait on set event = %v", err)
		}
	})
}

func TestEventClearResets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := isync.NewEvent()
		if e.IsSet() {
			t.Fatal("new event is set")
		}
		e.Set()
		e.Set() // setting twice is harmless
		if !e.IsSet() {
			t.Fatal("IsSet false after Set")
		}
		e.Clear()
		if e.IsSet() {
			t.Fatal("IsSet true after Clear")
		}

		w := asyncErr(func() error { return e.Wait(t.Context()) })
		synctest.Wait()
		notDone(t, w, "Wait after Clear")
		e.Set()
		synctest.Wait()
		done(t, w, "Wait after second Set")
	})
}

// A waiter woken by Set reports success even if Clear runs before it
// gets to look, as in Python.
func TestEventSetThenClearStillWakesWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := isync.NewEvent()
		w := asyncErr(func() error { return e.Wait(t.Context()) })
		synctest.Wait()
		e.Set()
		e.Clear()
		synctest.Wait()
		if r := done(t, w, "Wait"); r.err != nil {
			t.Fatalf("Wait = %v, want nil", r.err)
		}
	})
}

func TestEventWaitTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := isync.NewEvent()
		start := time.Now()
		if e.WaitTimeout(time.Second) {
			t.Fatal("WaitTimeout = true on an event never set")
		}
		if got := time.Since(start); got != time.Second {
			t.Fatalf("WaitTimeout gave up after %v, want 1s", got)
		}

		start = time.Now()
		go func() {
			time.Sleep(300 * time.Millisecond)
			e.Set()
		}()
		if !e.WaitTimeout(time.Second) {
			t.Fatal("WaitTimeout = false although Set came in time")
		}
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Fatalf("WaitTimeout returned after %v, want 300ms", got)
		}
	})
}

func TestEventWaitTimeoutNonPositive(t *testing.T) {
	e := isync.NewEvent()
	if e.WaitTimeout(0) || e.WaitTimeout(-time.Second) {
		t.Fatal("WaitTimeout(<=0) = true on a clear event")
	}
	e.Set()
	if !e.WaitTimeout(0) {
		t.Fatal("WaitTimeout(0) = false on a set event")
	}
}

func TestEventWaitContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := isync.NewEvent()

		cause := errors.New("shutting down")
		ctx, cancel := context.WithCancelCause(t.Context())
		w := asyncErr(func() error { return e.Wait(ctx) })
		synctest.Wait()
		notDone(t, w, "Wait")
		cancel(cause)
		synctest.Wait()
		if r := done(t, w, "Wait"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("Wait = %v, want context.Canceled", r.err)
		}
		if !errors.Is(context.Cause(ctx), cause) {
			t.Fatalf("Cause = %v, want %v", context.Cause(ctx), cause)
		}

		ctx, cancel2 := context.WithTimeout(t.Context(), time.Minute)
		defer cancel2()
		if err := e.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want context.DeadlineExceeded", err)
		}

		// A set event wins even over a dead context.
		e.Set()
		if err := e.Wait(ctx); err != nil {
			t.Fatalf("Wait on set event with expired ctx = %v", err)
		}
	})
}

// Many goroutines flip the event while others wait with short timeouts.
// The race detector checks the locking; the end checks nobody is stuck.
func TestEventStress(t *testing.T) {
	togglers, waiters, flips := 8, 8, 2000
	if testing.Short() {
		flips = 200
	}
	e := isync.NewEvent()
	stop := make(chan struct{})

	var wg sync.WaitGroup
	for range waiters {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					// Final round: the event is set for good, so this must return.
					if err := e.Wait(context.Background()); err != nil {
						t.Error(err)
					}
					return
				default:
				}
				if i%2 == 0 {
					e.WaitTimeout(time.Duration(i%50) * time.Microsecond)
				} else {
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Microsecond)
					_ = e.Wait(ctx)
					cancel()
				}
			}
		})
	}

	var togglersWG sync.WaitGroup
	for range togglers {
		togglersWG.Go(func() {
			for i := range flips {
				if i%2 == 0 {
					e.Set()
				} else {
					e.Clear()
				}
				_ = e.IsSet()
			}
		})
	}
	togglersWG.Wait()
	e.Set()
	close(stop)
	within(t, asyncErr(func() error { wg.Wait(); return nil }), 10*time.Second, "waiters")
}
