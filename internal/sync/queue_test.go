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

func TestQueueFIFO(t *testing.T) {
	ctx := context.Background()
	q := isync.NewQueue[int](4)
	next := 0
	// Interleave puts and gets so the items wrap around the buffer.
	for i := range 100 {
		if err := q.Put(ctx, i); err != nil {
			t.Fatal(err)
		}
		if i%3 == 2 {
			for q.Len() > 1 {
				v, err := q.Get(ctx)
				if err != nil || v != next {
					t.Fatalf("Get = %d, %v; want %d", v, err, next)
				}
				next++
			}
		}
	}
	for q.Len() > 0 {
		if v, _ := q.TryGet(); v != next {
			t.Fatalf("TryGet = %d, want %d", v, next)
		}
		next++
	}
	if next != 100 {
		t.Fatalf("got %d items, want 100", next)
	}
}

func TestQueueUnbounded(t *testing.T) {
	for _, maxsize := range []int{0, -5} {
		q := isync.NewQueue[int](maxsize)
		if q.Cap() != 0 {
			t.Fatalf("NewQueue(%d).Cap() = %d, want 0", maxsize, q.Cap())
		}
		for i := range 10_000 {
			if err := q.TryPut(i); err != nil {
				t.Fatalf("TryPut on unbounded queue: %v", err)
			}
		}
		if q.Len() != 10_000 || q.HighWater() != 10_000 {
			t.Fatalf("Len = %d, HighWater = %d; want 10000", q.Len(), q.HighWater())
		}
	}
}

func TestQueuePutBlocksWhileFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[string](1)
		if q.Cap() != 1 {
			t.Fatalf("Cap = %d, want 1", q.Cap())
		}
		if err := q.Put(t.Context(), "first"); err != nil {
			t.Fatal(err)
		}
		put := asyncErr(func() error { return q.Put(t.Context(), "second") })
		synctest.Wait()
		notDone(t, put, "Put on a full queue")

		if v, err := q.Get(t.Context()); v != "first" || err != nil {
			t.Fatalf("Get = %q, %v", v, err)
		}
		synctest.Wait()
		if r := done(t, put, "Put after Get"); r.err != nil {
			t.Fatal(r.err)
		}
		if v, _ := q.TryGet(); v != "second" {
			t.Fatalf("TryGet = %q, want second", v)
		}
	})
}

func TestQueueGetBlocksWhileEmpty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[int](0)
		get := async(func() (int, error) { return q.Get(t.Context()) })
		synctest.Wait()
		notDone(t, get, "Get on an empty queue")
		if err := q.Put(t.Context(), 42); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if r := done(t, get, "Get after Put"); r.val != 42 || r.err != nil {
			t.Fatalf("Get = %d, %v; want 42, nil", r.val, r.err)
		}
	})
}

func TestQueueContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		full := isync.NewQueue[int](1)
		_ = full.TryPut(1)
		empty := isync.NewQueue[int](1)

		ctx, cancel := context.WithCancel(t.Context())
		put := asyncErr(func() error { return full.Put(ctx, 2) })
		get := async(func() (int, error) { return empty.Get(ctx) })
		synctest.Wait()
		cancel()
		synctest.Wait()
		if r := done(t, put, "Put"); !errors.Is(r.err, context.Canceled) {
			t.Fatalf("Put = %v, want context.Canceled", r.err)
		}
		if r := done(t, get, "Get"); !errors.Is(r.err, context.Canceled) || r.val != 0 {
			t.Fatalf("Get = %d, %v; want 0, context.Canceled", r.val, r.err)
		}
		if full.Len() != 1 || full.Unfinished() != 1 {
			t.Fatalf("cancelled Put changed the queue: Len = %d", full.Len())
		}

		// A done context does not stop a call that need not block.
		if err := empty.Put(ctx, 3); err != nil {
			t.Fatalf("Put with room and done ctx = %v", err)
		}
		if v, err := empty.Get(ctx); v != 3 || err != nil {
			t.Fatalf("Get with item and done ctx = %d, %v", v, err)
		}
	})
}

func TestQueuePutTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[int](1)
		if err := q.PutTimeout(1, time.Second); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := q.PutTimeout(2, time.Second); !errors.Is(err, isync.ErrFull) {
			t.Fatalf("PutTimeout = %v, want ErrFull", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("gave up after %v, want 1s", time.Since(start))
		}
		if err := q.PutTimeout(2, 0); !errors.Is(err, isync.ErrFull) {
			t.Fatalf("PutTimeout(0) = %v, want ErrFull", err)
		}

		// Room made in time lets the put through.
		go func() {
			time.Sleep(200 * time.Millisecond)
			_, _ = q.TryGet()
		}()
		start = time.Now()
		if err := q.PutTimeout(3, time.Second); err != nil {
			t.Fatalf("PutTimeout = %v, want nil", err)
		}
		if time.Since(start) != 200*time.Millisecond {
			t.Fatalf("put after %v, want 200ms", time.Since(start))
		}
	})
}

func TestQueueGetTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[int](0)
		start := time.Now()
		if _, err := q.GetTimeout(time.Second); !errors.Is(err, isync.ErrEmpty) {
			t.Fatalf("GetTimeout = %v, want ErrEmpty", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("gave up after %v, want 1s", time.Since(start))
		}

		go func() {
			time.Sleep(200 * time.Millisecond)
			_ = q.TryPut(9)
		}()
		if v, err := q.GetTimeout(time.Second); v != 9 || err != nil {
			t.Fatalf("GetTimeout = %d, %v; want 9, nil", v, err)
		}
	})
}

func TestQueueTryPutTryGet(t *testing.T) {
	q := isync.NewQueue[int](2)
	if _, err := q.TryGet(); !errors.Is(err, isync.ErrEmpty) {
		t.Fatalf("TryGet on empty = %v, want ErrEmpty", err)
	}
	for i := range 2 {
		if err := q.TryPut(i); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.TryPut(2); !errors.Is(err, isync.ErrFull) {
		t.Fatalf("TryPut on full = %v, want ErrFull", err)
	}
	if q.Len() != 2 {
		t.Fatalf("Len = %d, want 2", q.Len())
	}
}

func TestQueueTaskDone(t *testing.T) {
	q := isync.NewQueue[int](0)
	if err := q.TaskDone(); !errors.Is(err, isync.ErrTooManyTaskDone) {
		t.Fatalf("TaskDone on fresh queue = %v", err)
	}
	_ = q.TryPut(1)
	_ = q.TryPut(2)
	if q.Unfinished() != 2 {
		t.Fatalf("Unfinished = %d, want 2", q.Unfinished())
	}
	_, _ = q.TryGet()
	// Unfinished counts items not yet done, whether taken or not.
	if err := q.TaskDone(); err != nil {
		t.Fatal(err)
	}
	if err := q.TaskDone(); err != nil {
		t.Fatal(err)
	}
	if err := q.TaskDone(); !errors.Is(err, isync.ErrTooManyTaskDone) {
		t.Fatalf("extra TaskDone = %v, want ErrTooManyTaskDone", err)
	}
	if q.Unfinished() != 0 {
		t.Fatalf("Unfinished = %d after extra TaskDone", q.Unfinished())
	}
}

func TestQueueJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[int](0)
		if err := q.Join(t.Context()); err != nil {
			t.Fatalf("Join on fresh queue = %v", err)
		}
		for i := range 3 {
			_ = q.TryPut(i)
		}
		join := asyncErr(func() error { return q.Join(t.Context()) })
		for range 3 {
			_, _ = q.TryGet()
		}
		synctest.Wait()
		notDone(t, join, "Join with an empty queue but unfinished tasks")

		_ = q.TaskDone()
		_ = q.TaskDone()
		synctest.Wait()
		notDone(t, join, "Join with one task unfinished")

		_ = q.TaskDone()
		synctest.Wait()
		if r := done(t, join, "Join"); r.err != nil {
			t.Fatal(r.err)
		}
	})
}

func TestQueueJoinContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := isync.NewQueue[int](0)
		_ = q.TryPut(1)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := q.Join(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Join = %v, want DeadlineExceeded", err)
		}
	})
}

func TestQueueHighWater(t *testing.T) {
	q := isync.NewQueue[int](0)
	for i := range 5 {
		_ = q.TryPut(i)
	}
	for range 3 {
		_, _ = q.TryGet()
	}
	_ = q.TryPut(5)
	if q.Len() != 3 || q.HighWater() != 5 {
		t.Fatalf("Len = %d, HighWater = %d; want 3, 5", q.Len(), q.HighWater())
	}
}

// Producers and consumers hammer a tiny queue. Every item must arrive
// exactly once, in FIFO order per producer, and Join must return.
func TestQueueStress(t *testing.T) {
	const producers, consumers, capacity = 8, 8, 3
	items := 20_000
	if testing.Short() {
		items = 2_000
	}
	perProducer := items / producers

	type item struct{ producer, seq int }
	q := isync.NewQueue[item](capacity)
	seen := make([]atomic.Int32, items)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	consumerCtx, stopConsumers := context.WithCancel(ctx)

	var consumersWG sync.WaitGroup
	for range consumers {
		consumersWG.Go(func() {
			last := make([]int, producers) // last seq seen from each producer
			for i := range last {
				last[i] = -1
			}
			for {
				it, err := q.Get(consumerCtx)
				if err != nil {
					return
				}
				if it.seq <= last[it.producer] {
					t.Errorf("producer %d: got seq %d after %d", it.producer, it.seq, last[it.producer])
				}
				last[it.producer] = it.seq
				seen[it.producer*perProducer+it.seq].Add(1)
				if err := q.TaskDone(); err != nil {
					t.Error(err)
				}
			}
		})
	}

	var producersWG sync.WaitGroup
	for p := range producers {
		producersWG.Go(func() {
			for s := range perProducer {
				if err := q.Put(ctx, item{p, s}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	producersWG.Wait()
	if err := q.Join(ctx); err != nil {
		t.Fatalf("Join: %v", err)
	}
	stopConsumers()
	consumersWG.Wait()

	for i := range perProducer * producers {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("item %d received %d times", i, n)
		}
	}
	if q.Len() != 0 || q.Unfinished() != 0 || q.HighWater() > capacity {
		t.Fatalf("Len = %d, Unfinished = %d, HighWater = %d", q.Len(), q.Unfinished(), q.HighWater())
	}
}
