package sync_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	isync "github.com/pardemo/pardemo/internal/sync"
)

func ExampleEvent() {
	ready := isync.NewEvent()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := ready.Wait(context.Background()); err == nil {
			fmt.Println("worker: got the go signal")
		}
	}()

	fmt.Println("main: setting the event")
	ready.Set()
	<-done

	ready.Clear()
	fmt.Println("set after Clear:", ready.IsSet())
	fmt.Println("wait with timeout:", ready.WaitTimeout(10*time.Millisecond))
	// Output:
	// main: setting the event
	// worker: got the go signal
	// set after Clear: false
	// wait with timeout: false
}

func ExampleBarrier() {
	const workers = 3
	b := isync.NewBarrier(workers)
	partial := make([]int, workers)
	totals := make([]int, workers)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			// Phase 1: each worker fills only its own slot.
			partial[w] = (w + 1) * 10
			if _, err := b.Wait(context.Background()); err != nil {
				return
			}
			// Phase 2: every slot is filled, because every worker has
			// passed the barrier, so reading them all is safe.
			for _, p := range partial {
				totals[w] += p
			}
		})
	}
	wg.Wait()
	fmt.Println("total seen by each worker:", totals)
	// Output:
	// total seen by each worker: [60 60 60]
}

func ExampleBarrier_Abort() {
	b := isync.NewBarrier(2)
	b.Abort()
	_, err := b.Wait(context.Background())
	fmt.Println(err, errors.Is(err, isync.ErrBrokenBarrier))

	b.Reset()
	fmt.Println("broken after Reset:", b.Broken())
	// Output:
	// barrier is broken true
	// broken after Reset: false
}

func ExampleQueue() {
	ctx := context.Background()
	q := isync.NewQueue[string](2) // room for two items

	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, s := range []string{"a", "b", "c", "d", "e"} {
			_ = q.Put(ctx, s) // blocks while two items are waiting
		}
	}()

	var got []string
	for range 5 {
		v, _ := q.Get(ctx)
		got = append(got, v)
	}
	<-done
	fmt.Println(got)
	fmt.Println("cap:", q.Cap(), "len:", q.Len(), "never deeper than cap:", q.HighWater() <= q.Cap())
	// Output:
	// [a b c d e]
	// cap: 2 len: 0 never deeper than cap: true
}

func ExampleQueue_TryGet() {
	q := isync.NewQueue[int](0) // unbounded
	_, err := q.TryGet()
	fmt.Println(err, errors.Is(err, isync.ErrEmpty))

	_ = q.TryPut(7)
	v, err := q.TryGet()
	fmt.Println(v, err)
	// Output:
	// queue is empty true
	// 7 <nil>
}

func ExampleQueue_PutTimeout() {
	q := isync.NewQueue[int](1)
	fmt.Println("first put:", q.PutTimeout(1, 10*time.Millisecond))
	err := q.PutTimeout(2, 10*time.Millisecond) // nobody will make room
	fmt.Println("second put:", err, errors.Is(err, isync.ErrFull))
	// Output:
	// first put: <nil>
	// second put: queue is full true
}

func ExampleQueue_Join() {
	ctx, stopWorkers := context.WithCancel(context.Background())
	q := isync.NewQueue[int](0)
	var processed atomic.Int64

	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				job, err := q.Get(ctx)
				if err != nil {
					return // stopWorkers was called
				}
				processed.Add(int64(job))
				_ = q.TaskDone() // only now is the job really finished
			}
		})
	}

	for job := 1; job <= 5; job++ {
		_ = q.Put(ctx, job)
	}
	_ = q.Join(context.Background()) // waits for the work, not just the queue
	fmt.Println("sum of processed jobs:", processed.Load())
	fmt.Println("unfinished:", q.Unfinished())

	stopWorkers()
	wg.Wait()
	// Output:
	// sum of processed jobs: 15
	// unfinished: 0
}
