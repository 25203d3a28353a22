package sync_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	isync "github.com/pardemo/pardemo/internal/sync"
)

// A semaphore that starts at 0 is a signal: the consumer waits in Acquire
// until the producer's Release says the item is ready.
func ExampleSemaphore() {
	ready := isync.NewSemaphore(0)
	var item int
	done := make(chan struct{})
	go func() {
		defer close(done)
		if ready.Acquire(context.Background()) == nil {
			fmt.Println("consumer: got item", item) // written before Release
		}
	}()

	item = 512
	fmt.Println("producer: made item", item)
	_ = ready.Release()
	<-done
	// Output:
	// producer: made item 512
	// consumer: got item 512
}

// A semaphore of 3 lets at most three goroutines in at once.
func ExampleSemaphore_limit() {
	ctx := context.Background()
	sem := isync.NewBoundedSemaphore(3)
	var inside, most atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if sem.Acquire(ctx) != nil {
				return
			}
			defer sem.Release()
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			inside.Add(-1)
		})
	}
	wg.Wait()
	fmt.Println("never more than 3 inside:", most.Load() <= 3)
	fmt.Println("every permit back:", sem.Value())
	// Output:
	// never more than 3 inside: true
	// every permit back: 3
}

// A plain semaphore can be released above its starting value; a bounded one
// refuses, which catches a double release.
func ExampleNewBoundedSemaphore() {
	plain := isync.NewSemaphore(1)
	_ = plain.Release()
	fmt.Println("plain: value", plain.Value())

	bounded := isync.NewBoundedSemaphore(1)
	err := bounded.Release()
	fmt.Println("bounded:", err)
	fmt.Println(errors.Is(err, isync.ErrReleasedTooMany), "value", bounded.Value())
	// Output:
	// plain: value 2
	// bounded: bounded semaphore released more times than it was acquired
	// true value 1
}
