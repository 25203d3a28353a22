package sync_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func TestReentrantLockReentry(t *testing.T) {
	l := isync.NewReentrantLock()
	for i := 1; i <= 3; i++ {
		if err := l.LockCtx(t.Context(), "a"); err != nil {
			t.Fatal(err)
		}
		if o, c := l.Holder(); o != "a" || c != i {
			t.Fatalf("after %d Locks: Holder = %q, %d", i, o, c)
		}
	}
	for i := 2; i >= 0; i-- {
		if err := l.Unlock("a"); err != nil {
			t.Fatal(err)
		}
		wantOwner := "a"
		if i == 0 {
			wantOwner = ""
		}
		if o, c := l.Holder(); o != wantOwner || c != i {
			t.Fatalf("Holder = %q, %d; want %q, %d", o, c, wantOwner, i)
		}
	}
}

// Another owner waits until every hold has been given back, not just one.
func TestReentrantLockOtherOwnerWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := isync.NewReentrantLock()
		l.Lock("a")
		l.Lock("a")
		b := asyncErr(func() error { return l.LockCtx(t.Context(), "b") })
		synctest.Wait()
		notDone(t, b, "b's Lock while a holds it twice")

		_ = l.Unlock("a")
		synctest.Wait()
		notDone(t, b, "b's Lock while a still holds it once")

		_ = l.Unlock("a")
		synctest.Wait()
		if r := done(t, b, "b's Lock after a let go"); r.err != nil {
			t.Fatal(r.err)
		}
		if o, c := l.Holder(); o != "b" || c != 1 {
			t.Fatalf("Holder = %q, %d; want b, 1", o, c)
		}
	})
}

func TestReentrantLockCtxCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := isync.NewReentrantLock()
		l.Lock("a")
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		err := l.LockCtx(ctx, "b")
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Fatalf("LockCtx = %v after %v; want DeadlineExceeded after 1s", err, time.Since(start))
		}
		// The failed attempt left no trace.
		if o, c := l.Holder(); o != "a" || c != 1 {
			t.Fatalf("Holder = %q, %d; want a, 1", o, c)
		}
		// The holder re-enters even with a dead context: no waiting needed.
		if err := l.LockCtx(ctx, "a"); err != nil {
			t.Fatalf("re-entry with an expired ctx: %v", err)
		}
	})
}

func TestReentrantLockUnlockErrors(t *testing.T) {
	l := isync.NewReentrantLock()
	if err := l.Unlock("a"); !errors.Is(err, isync.ErrNotHeld) {
		t.Fatalf("Unlock of a free lock = %v, want ErrNotHeld", err)
	}
	l.Lock("a")
	if err := l.Unlock("b"); !errors.Is(err, isync.ErrNotOwner) {
		t.Fatalf("Unlock by a non-owner = %v, want ErrNotOwner", err)
	}
	if o, c := l.Holder(); o != "a" || c != 1 {
		t.Fatalf("a wrong Unlock changed the lock: %q, %d", o, c)
	}
	if l.TryLock("b") {
		t.Fatal("TryLock by b succeeded while a holds the lock")
	}
	if !l.TryLock("a") {
		t.Fatal("TryLock by the holder failed")
	}
}

func TestReentrantLockEmptyOwnerPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Lock(\"\") did not panic")
		}
	}()
	isync.NewReentrantLock().Lock("")
}

// Many goroutines take the lock three deep and update plain variables under
// it. The race detector and the final count check mutual exclusion; the
// inside check shows nobody else got in between a holder's nested holds.
func TestReentrantLockStress(t *testing.T) {
	const workers, rounds = 8, 500
	l := isync.NewReentrantLock()
	total, inside, crowded := 0, 0, 0
	var wg sync.WaitGroup
	for w := range workers {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for range rounds {
				l.Lock(name)
				inside++
				l.Lock(name)
				l.Lock(name)
				if inside != 1 {
					crowded++
				}
				total++
				if err := l.Unlock(name); err != nil {
					t.Error(err)
				}
				if err := l.Unlock(name); err != nil {
					t.Error(err)
				}
				inside--
				if err := l.Unlock(name); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if total != workers*rounds || crowded != 0 {
		t.Fatalf("total = %d, want %d; %d times another goroutine was inside", total, workers*rounds, crowded)
	}
	if o, c := l.Holder(); o != "" || c != 0 {
		t.Fatalf("lock left held by %q ×%d", o, c)
	}
}

// Waiters that give up do not stop the others from getting the lock.
func TestReentrantLockStressWithCancel(t *testing.T) {
	l := isync.NewReentrantLock()
	var wg sync.WaitGroup
	got := make([]int, 16)
	for w := range 16 {
		name := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for range 200 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(w%4)*time.Microsecond)
				if l.LockCtx(ctx, name) == nil {
					got[w]++
					_ = l.Unlock(name)
				}
				cancel()
			}
		})
	}
	wg.Wait()
	if o, c := l.Holder(); o != "" || c != 0 {
		t.Fatalf("lock left held by %q ×%d", o, c)
	}
	if !l.TryLock("after") {
		t.Fatal("lock not free after the stress")
	}
}
