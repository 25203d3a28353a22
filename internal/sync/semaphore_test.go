package sync_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

// A semaphore of 0 blocks Acquire until a Release, one permit per Release.
func TestSemaphoreSignal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := isync.NewSemaphore(0)
		a := asyncErr(func() error { return s.Acquire(t.Context()) })
		b := asyncErr(func() error { return s.Acquire(t.Context()) })
		synctest.Wait()
		notDone(t, a, "Acquire on 0")
		notDone(t, b, "Acquire on 0")

		_ = s.Release()
		synctest.Wait()
		// Exactly one of the two got the single permit.
		var other <-chan result[struct{}]
		select {
		case r := <-a:
			other = b
			if r.err != nil {
				t.Fatal(r.err)
			}
		case r := <-b:
			other = a
			if r.err != nil {
				t.Fatal(r.err)
			}
		default:
			t.Fatal("no Acquire returned after a Release")
		}
		notDone(t, other, "the other Acquire before a second Release")
		if v := s.Value(); v != 0 {
			t.Fatalf("Value = %d, want 0", v)
		}
		_ = s.Release()
		synctest.Wait()
		done(t, other, "the other Acquire after a second Release")
	})
}

func TestSemaphoreTryAcquireAndValue(t *testing.T) {
	s := isync.NewSemaphore(2)
	for i := range 2 {
		if !s.TryAcquire() {
			t.Fatalf("TryAcquire %d of 2 failed with permits free", i+1)
		}
	}
	if s.TryAcquire() {
		t.Fatal("TryAcquire succeeded with no permit free")
	}
	if s.Value() != 0 {
		t.Fatalf("Value = %d, want 0", s.Value())
	}
	if _, bounded := s.Bound(); bounded {
		t.Fatal("NewSemaphore is bounded")
	}
}

// A plain semaphore accepts releases beyond its start; a bounded one says no.
func TestSemaphoreReleaseBeyondInitial(t *testing.T) {
	plain := isync.NewSemaphore(0)
	for range 3 {
		if err := plain.Release(); err != nil {
			t.Fatalf("plain Release = %v", err)
		}
	}
	if plain.Value() != 3 {
		t.Fatalf("plain Value = %d, want 3", plain.Value())
	}

	b := isync.NewBoundedSemaphore(2)
	if n, ok := b.Bound(); n != 2 || !ok {
		t.Fatalf("Bound = %d, %v", n, ok)
	}
	if err := b.Release(); !errors.Is(err, isync.ErrReleasedTooMany) {
		t.Fatalf("Release at the bound = %v, want ErrReleasedTooMany", err)
	}
	if b.Value() != 2 {
		t.Fatalf("a refused Release changed the value to %d", b.Value())
	}
	if !b.TryAcquire() {
		t.Fatal("TryAcquire failed")
	}
	if err := b.Release(); err != nil {
		t.Fatalf("Release below the bound = %v", err)
	}
	// A bounded semaphore of 0 can never be released.
	if err := isync.NewBoundedSemaphore(0).Release(); !errors.Is(err, isync.ErrReleasedTooMany) {
		t.Fatalf("Release on bounded 0 = %v", err)
	}
}

func TestSemaphoreAcquireCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := isync.NewSemaphore(0)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		if err := s.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 2*time.Second {
			t.Fatalf("Acquire = %v after %v", err, time.Since(start))
		}
		if s.AcquireTimeout(time.Second) {
			t.Fatal("AcquireTimeout got a permit that does not exist")
		}
		_ = s.Release()
		// A free permit is taken even with an expired context.
		if err := s.Acquire(ctx); err != nil {
			t.Fatalf("Acquire with a free permit and an expired ctx = %v", err)
		}
		if s.Value() != 0 {
			t.Fatalf("a cancelled Acquire took a permit: Value = %d", s.Value())
		}
	})
}

func TestSemaphoreNegativePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"NewSemaphore":        func() { isync.NewSemaphore(-1) },
		"NewBoundedSemaphore": func() { isync.NewBoundedSemaphore(-1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(-1) did not panic", name)
				}
			}()
			f()
		}()
	}
}

// In fake time, 12 holders of 1 s each through a semaphore of 3 take exactly
// 4 s and never exceed 3 at once.
func TestSemaphoreLimitsConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := isync.NewBoundedSemaphore(3)
		var inside, most atomic.Int64
		start := time.Now()
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				if err := s.Acquire(t.Context()); err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(time.Second)
				inside.Add(-1)
				if err := s.Release(); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if most.Load() != 3 || time.Since(start) != 4*time.Second || s.Value() != 3 {
			t.Fatalf("most = %d, took %v, value %d; want 3, 4s, 3", most.Load(), time.Since(start), s.Value())
		}
	})
}

// Real scheduler: many goroutines, some giving up, never more holders than
// permits, and every permit comes back.
func TestSemaphoreStress(t *testing.T) {
	const permits = 4
	s := isync.NewBoundedSemaphore(permits)
	var inside, most atomic.Int64
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for range 300 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(w%3)*time.Microsecond)
				if s.Acquire(ctx) == nil {
					n := inside.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					inside.Add(-1)
					if err := s.Release(); err != nil {
						t.Error(err)
					}
				}
				cancel()
			}
		})
	}
	wg.Wait()
	if most.Load() > permits {
		t.Fatalf("%d holders at once, semaphore of %d", most.Load(), permits)
	}
	if s.Value() != permits {
		t.Fatalf("Value = %d after the stress, want %d", s.Value(), permits)
	}
}
