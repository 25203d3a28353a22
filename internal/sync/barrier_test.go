package sync_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

// startWaiters starts n goroutines calling b.Wait(ctx).
func startWaiters(ctx context.Context, b *isync.Barrier, n int) []<-chan result[int] {
	var ws []<-chan result[int]
	for range n {
		ws = append(ws, async(func() (int, error) { return b.Wait(ctx) }))
	}
	return ws
}

func TestNewBarrierPanics(t *testing.T) {
	for _, parties := range []int{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewBarrier(%d) did not panic", parties)
				}
			}()
			isync.NewBarrier(parties)
		}()
	}
}

func TestBarrierReleasesAllTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := isync.NewBarrier(3)
		if b.Parties() != 3 {
			t.Fatalf("Parties = %d, want 3", b.Parties())
		}
		ws := startWaiters(t.Context(), b, 2)
		synctest.Wait()
		if b.Waiting() != 2 {
			t.Fatalf("Waiting = %d, want 2", b.Waiting())
		}
		for _, w := range ws {
			notDone(t, w, "Wait before the last party")
		}

		last, err := b.Wait(t.Context())
		if err != nil || last != 2 {
			t.Fatalf("last Wait = %d, %v; want 2, nil", last, err)
		}
		synctest.Wait()
		indices := []int{last}
		for _, w := range ws {
			r := done(t, w, "Wait after the last party")
			if r.err != nil {
				t.Fatalf("Wait = %v", r.err)
			}
			indices = append(indices, r.val)
		}
		slices.Sort(indices)
		if !slices.Equal(indices, []int{0, 1, 2}) {
			t.Fatalf("arrival indices = %v, want a permutation of 0..2", indices)
		}
		if b.Waiting() != 0 || b.Broken() {
			t.Fatalf("after release: Waiting = %d, Broken = %v", b.Waiting(), b.Broken())
		}
	})
}

// Arrival indices follow arrival order, and the barrier resets each round.
func TestBarrierReuseArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const parties = 3
		b := isync.NewBarrier(parties)
		for round := range 50 {
			var ws []<-chan result[int]
			for i := range parties - 1 {
				ws = append(ws, startWaiters(t.Context(), b, 1)...)
				synctest.Wait() // make sure waiter i has arrived before the next
				if b.Waiting() != i+1 {
					t.Fatalf("round %d: Waiting = %d, want %d", round, b.Waiting(), i+1)
				}
			}
			if idx, err := b.Wait(t.Context()); idx != parties-1 || err != nil {
				t.Fatalf("round %d: last Wait = %d, %v", round, idx, err)
			}
			synctest.Wait()
			for i, w := range ws {
				if r := done(t, w, "Wait"); r.val != i || r.err != nil {
					t.Fatalf("round %d: waiter %d got %d, %v", round, i, r.val, r.err)
				}
			}
		}
	})
}

func TestBarrierSingleParty(t *testing.T) {
	b := isync.NewBarrier(1)
	for range 3 {
		if idx, err := b.Wait(context.Background()); idx != 0 || err != nil {
			t.Fatalf("Wait = %d, %v; want 0, nil", idx, err)
		}
	}
}

func TestBarrierContextBreaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := isync.NewBarrier(3)
		other := startWaiters(t.Context(), b, 1)[0]

		cause := errors.New("user pressed ctrl-c")
		ctx, cancel := context.WithCancelCause(t.Context())
		quitter := startWaiters(ctx, b, 1)[0]
		synctest.Wait()
		cancel(cause)
		synctest.Wait()

		if r := done(t, quitter, "cancelled Wait"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("cancelled party got %v, want context.Canceled", r.err)
		}
		if !errors.Is(context.Cause(ctx), cause) {
			t.Fatalf("Cause = %v", context.Cause(ctx))
		}
		if r := done(t, other, "other Wait"); !errors.Is(r.err, isync.ErrBrokenBarrier) {
			t.Fatalf("other party got %v, want ErrBrokenBarrier", r.err)
		}
		if !b.Broken() || b.Waiting() != 0 {
			t.Fatalf("Broken = %v, Waiting = %d; want true, 0", b.Broken(), b.Waiting())
		}
		// Later waits fail at once instead of hanging.
		if _, err := b.Wait(t.Context()); !errors.Is(err, isync.ErrBrokenBarrier) {
			t.Fatalf("Wait on broken barrier = %v", err)
		}

		b.Reset()
		if b.Broken() {
			t.Fatal("still broken after Reset")
		}
		ws := startWaiters(t.Context(), b, 3)
		synctest.Wait()
		for _, w := range ws {
			if r := done(t, w, "Wait after Reset"); r.err != nil {
				t.Fatalf("Wait after Reset = %v", r.err)
			}
		}
	})
}

func TestBarrierDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := isync.NewBarrier(2)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if _, err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want DeadlineExceeded", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("gave up after %v, want 1s", time.Since(start))
		}
		if !b.Broken() {
			t.Fatal("timeout did not break the barrier")
		}
	})
}

func TestBarrierAbort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := isync.NewBarrier(3)
		ws := startWaiters(t.Context(), b, 2)
		synctest.Wait()
		b.Abort()
		b.Abort() // aborting twice is harmless
		synctest.Wait()
		for _, w := range ws {
			if r := done(t, w, "Wait"); !errors.Is(r.err, isync.ErrBrokenBarrier) {
				t.Fatalf("waiter got %v, want ErrBrokenBarrier", r.err)
			}
		}
		if !b.Broken() {
			t.Fatal("Broken = false after Abort")
		}
		if _, err := b.Wait(t.Context()); !errors.Is(err, isync.ErrBrokenBarrier) {
			t.Fatalf("Wait after Abort = %v", err)
		}
	})
}

func TestBarrierResetReleasesWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := isync.NewBarrier(2)
		w := startWaiters(t.Context(), b, 1)[0]
		synctest.Wait()
		b.Reset()
		synctest.Wait()
		if r := done(t, w, "Wait"); !errors.Is(r.err, isync.ErrBrokenBarrier) {
			t.Fatalf("waiter got %v, want ErrBrokenBarrier", r.err)
		}
		if b.Broken() || b.Waiting() != 0 {
			t.Fatalf("after Reset: Broken = %v, Waiting = %d", b.Broken(), b.Waiting())
		}
		// The next round starts from scratch.
		ws := startWaiters(t.Context(), b, 2)
		synctest.Wait()
		for _, w := range ws {
			if r := done(t, w, "Wait"); r.err != nil {
				t.Fatalf("Wait after Reset = %v", r.err)
			}
		}
	})
}

// Many goroutines go through many rounds. Before waiting in round k each
// party counts itself in; after the barrier it must see everybody counted,
// so no party can have left round k before all had arrived.
func TestBarrierStress(t *testing.T) {
	parties, rounds := 16, 500
	if testing.Short() {
		rounds = 50
	}
	b := isync.NewBarrier(parties)
	arrived := make([]atomic.Int32, rounds)
	indexSeen := make([]atomic.Int32, rounds*parties)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	for range parties {
		wg.Go(func() {
			for k := range rounds {
				arrived[k].Add(1)
				idx, err := b.Wait(ctx)
				if err != nil {
					t.Errorf("round %d: %v", k, err)
					return
				}
				if n := arrived[k].Load(); n != int32(parties) {
					t.Errorf("round %d: released with only %d of %d arrived", k, n, parties)
				}
				indexSeen[k*parties+idx].Add(1)
			}
		})
	}
	wg.Wait()
	for i := range indexSeen {
		if n := indexSeen[i].Load(); n != 1 {
			t.Fatalf("round %d: index %d returned %d times", i/parties, i%parties, n)
		}
	}
}
