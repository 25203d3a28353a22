package sync_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

// Many producers and consumers hammer a tiny LIFO or priority queue. The
// order under concurrency is anybody's guess, but what goes in must come
// out: every item exactly once, the bound never exceeded, Join returning
// once everything is marked done.
func TestQueueKindsStress(t *testing.T) {
	kinds := map[string]func(maxsize int) *isync.Queue[int]{
		"lifo":     isync.NewLIFOQueue[int],
		"priority": isync.NewPriorityQueue[int],
		"priority-func": func(maxsize int) *isync.Queue[int] {
			// Only the last digit counts: lots of ties for the tie-breaker.
			return isync.NewPriorityQueueFunc(maxsize, func(a, b int) bool { return a%10 < b%10 })
		},
	}
	for name, newQ := range kinds {
		t.Run(name, func(t *testing.T) { stressQueue(t, newQ(3)) })
	}
}

func stressQueue(t *testing.T, q *isync.Queue[int]) {
	const producers, consumers = 8, 8
	items := 16_000
	if testing.Short() {
		items = 1_600
	}
	perProducer := items / producers
	seen := make([]atomic.Int32, items)
	var taken atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	consumerCtx, stopConsumers := context.WithCancel(ctx)
	defer stopConsumers()

	var consumersWG sync.WaitGroup
	for range consumers {
		consumersWG.Go(func() {
			for {
				v, err := q.Get(consumerCtx)
				if err != nil {
					return
				}
				seen[v].Add(1)
				taken.Add(1)
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
				if err := q.Put(ctx, p*perProducer+s); err != nil {
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
	// Join returned, so every item has been taken and marked done already.
	if n := taken.Load(); n != int64(items) {
		t.Errorf("Join returned with %d of %d items taken", n, items)
	}
	stopConsumers()
	consumersWG.Wait()
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("item %d taken %d times", i, n)
		}
	}
	if q.Len() != 0 || q.Unfinished() != 0 || q.HighWater() > q.Cap() {
		t.Fatalf("Len = %d, Unfinished = %d, HighWater = %d (cap %d)", q.Len(), q.Unfinished(), q.HighWater(), q.Cap())
	}
}
