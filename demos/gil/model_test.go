package gil

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The modelled GIL lets one worker compute at a time, and a worker that
// has held it for the switch interval hands it to the one that has waited
// longest. Fake time makes the turns exact: each "chunk" below takes 1 ms,
// so each worker computes for 5 chunks, then the next one gets its turn.
func TestInterpreterLockTakesTurns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := newInterpreterLock()
		var mu sync.Mutex
		var turns []int // who computed each chunk
		var inside atomic.Int32
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				h := &holder{lock: l}
				defer h.drop()
				if err := h.take(ctx); err != nil {
					t.Error(err)
					return
				}
				for chunk := range 10 {
					if n := inside.Add(1); n != 1 {
						t.Errorf("%d workers computing at once under the GIL", n)
					}
					mu.Lock()
					turns = append(turns, w)
					mu.Unlock()
					time.Sleep(time.Millisecond) // a chunk of computing
					inside.Add(-1)
					if chunk == 9 {
						break // like countTo: no GIL check after the last chunk
					}
					if err := h.check(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			})
			synctest.Wait() // start the workers in a known order: 0 holds, 1 then 2 queue
		}
		wg.Wait()
		want := []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}
		if len(turns) != len(want) {
			t.Fatalf("turns %v", turns)
		}
		for i := range want {
			if turns[i] != want[i] {
				t.Fatalf("turns %v, want %v", turns, want)
			}
		}
		if s := l.switches.Load(); s != 3 {
			t.Errorf("%d forced switches, want 3 (the last turns end by finishing)", s)
		}
	})
}

// A worker waiting for the GIL gives up when the run ends.
func TestInterpreterLockWaitEndsWithCtx(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newInterpreterLock()
		<-l.token // somebody holds it forever
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- l.acquire(ctx) }()
		synctest.Wait()
		cancel()
		if err := <-done; err == nil {
			t.Fatal("acquire returned nil after cancel")
		}
		if l.waiting.Load() != 0 {
			t.Error("waiter still counted")
		}
	})
}

// countTo really counts: the checksum depends on every step.
func TestCountToChecksum(t *testing.T) {
	a, _ := countTo(1000, func() error { return nil })
	b, _ := countTo(1001, func() error { return nil })
	if a == b || a == 0 {
		t.Errorf("checksums %#x and %#x", a, b)
	}
}

func nothing() error { return nil }

// sink keeps the benchmarks' checksums: a result nobody reads would let
// the compiler drop the arithmetic, as it would in any benchmark.
var sink [4]uint64

// BenchmarkCount compares the cookbook's CPU-bound job, four counts to ten
// million, run one after another and on all cores. Go has no GIL, so
// parallel should approach sequential ÷ min(4, GOMAXPROCS):
//
//	go test -bench Count -run '^$' ./demos/gil/
func BenchmarkCount(b *testing.B) {
	const jobs, n = 4, 10_000_000
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			for i := range jobs {
				sink[i], _ = countTo(n, nothing)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			for i := range jobs {
				wg.Go(func() { sink[i], _ = countTo(n, nothing) })
			}
			wg.Wait()
		}
	})
	// The same four counts one after another, but in a goroutine: the
	// same work as "sequential", so the same time. A gap between the two
	// means the ways run different machine code (an inlined copy of
	// countTo aligned differently), which is why countTo is go:noinline.
	b.Run("sequential-in-goroutine", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Go(func() {
				for i := range jobs {
					sink[i], _ = countTo(n, nothing)
				}
			})
			wg.Wait()
		}
	})
	b.Logf("GOMAXPROCS=%d", runtime.GOMAXPROCS(0))
}

// Workers computing and waiting under the GIL all stop when ctx ends:
// the holder at its next look around, the waiters in acquire.
func TestInterpreterLockStopsWithCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l := newInterpreterLock()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			h := &holder{lock: l}
			defer h.drop()
			if errs[i] = h.take(ctx); errs[i] != nil {
				return
			}
			_, errs[i] = countTo(1<<62, func() error {
				if err := ctx.Err(); err != nil {
					return err
				}
				return h.check(ctx)
			})
		})
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Errorf("worker %d finished counting to 2^62", i)
		}
	}
	if l.waiting.Load() != 0 || len(l.token) != 1 {
		t.Errorf("after the run: %d waiting, %d tokens free, want 0 and 1", l.waiting.Load(), len(l.token))
	}
}
