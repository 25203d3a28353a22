package sync

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors returned by Queue. Compare with errors.Is.
var (
	// ErrFull means a non-blocking or timed Put found no room (Python's queue.Full).
	ErrFull = errors.New("queue is full")
	// ErrEmpty means a non-blocking or timed Get found nothing (Python's queue.Empty).
	ErrEmpty = errors.New("queue is empty")
	// ErrTooManyTaskDone means TaskDone was called more times than items were put.
	ErrTooManyTaskDone = errors.New("TaskDone called more times than items were put")
)

// Queue is a joinable, optionally bounded FIFO queue, like Python's
// queue.Queue.
//
// A Go channel already is a bounded FIFO, but it cannot report its high-water
// mark, cannot be unbounded, and has no TaskDone/Join: the "wait until every
// item has been processed, not just taken" handshake that producer/consumer
// scenarios end with. Queue adds those while keeping the blocking behaviour.
//
// Create one with NewQueue; all methods are safe for concurrent use.
// NewLIFOQueue and NewPriorityQueue return the same type with another order.
type Queue[T any] struct {
	mu         sync.Mutex
	items      store[T]
	maxsize    int // 0 means unbounded
	unfinished int // put but not yet marked done
	highWater  int

	// One signal per condition, like the three Conditions in Python's
	// queue.Queue, so a Get only wakes blocked producers and not consumers.
	notEmpty signal
	notFull  signal
	allDone  signal
}

// NewQueue returns an empty FIFO queue holding at most maxsize items.
// As in Python, maxsize <= 0 means the queue is unbounded.
func NewQueue[T any](maxsize int) *Queue[T] {
	return newQueue[T](maxsize, &ring[T]{})
}

// newQueue builds a queue around any ordering: NewLIFOQueue and
// NewPriorityQueueFunc only pass a different store.
func newQueue[T any](maxsize int, s store[T]) *Queue[T] {
	return &Queue[T]{items: s, maxsize: max(maxsize, 0)}
}

// Put adds v, blocking while the queue is full. It returns ctx.Err() if ctx
// ends first. If there is room, Put succeeds even when ctx is already done.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := waitUntil(ctx, &q.mu, &q.notFull, q.hasRoom); err != nil {
		return err
	}
	q.push(v)
	return nil
}

// PutTimeout is Put with a time limit: it returns ErrFull if there is still
// no room after d. A d <= 0 behaves like TryPut.
func (q *Queue[T]) PutTimeout(v T, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel() // stops the timer
	if q.Put(ctx, v) != nil {
		return ErrFull
	}
	return nil
}

// TryPut adds v without blocking, or returns ErrFull (Python's put_nowait).
func (q *Queue[T]) TryPut(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.hasRoom() {
		return ErrFull
	}
	q.push(v)
	return nil
}

// Get removes and returns the next item, blocking while the queue is empty.
// It returns ctx.Err() if ctx ends first. If an item is available, Get
// succeeds even when ctx is already done.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := waitUntil(ctx, &q.mu, &q.notEmpty, q.hasItems); err != nil {
		var zero T
		return zero, err
	}
	return q.pop(), nil
}

// GetTimeout is Get with a time limit: it returns ErrEmpty if the queue is
// still empty after d. A d <= 0 behaves like TryGet.
func (q *Queue[T]) GetTimeout(d time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel() // stops the timer
	v, err := q.Get(ctx)
	if err != nil {
		return v, ErrEmpty
	}
	return v, nil
}

// TryGet removes and returns the next item without blocking, or returns
// ErrEmpty (Python's get_nowait).
func (q *Queue[T]) TryGet() (T, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.hasItems() {
		var zero T
		return zero, ErrEmpty
	}
	return q.pop(), nil
}

// TaskDone tells the queue that one item taken with Get has been fully
// processed. When every item ever put has been marked done, Join returns.
// Calling it more times than items were put returns ErrTooManyTaskDone.
func (q *Queue[T]) TaskDone() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		return ErrTooManyTaskDone
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.allDone.broadcast()
	}
	return nil
}

// Join blocks until every item put has been marked done with TaskDone, or
// until ctx ends, in which case it returns ctx.Err().
//
// An empty queue is not enough: a consumer may still be working on the last
// item it took, which is exactly the moment Join exists to wait out.
func (q *Queue[T]) Join(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return waitUntil(ctx, &q.mu, &q.allDone, func() bool { return q.unfinished == 0 })
}

// Len returns the number of items in the queue. Another goroutine may change
// it at any moment, so use it for reports, not for deciding whether to Get.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.len()
}

// Cap returns the queue's maximum size, 0 for an unbounded queue.
func (q *Queue[T]) Cap() int {
	return q.maxsize // never changes, so no lock needed
}

// HighWater returns the largest Len the queue has ever had, for "max depth"
// reports. It is tracked on every Put, so no peak is ever missed.
func (q *Queue[T]) HighWater() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.highWater
}

// Unfinished returns the number of items put but not yet marked done.
func (q *Queue[T]) Unfinished() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unfinished
}

// The helpers below must be called with q.mu held.

func (q *Queue[T]) hasRoom() bool  { return q.maxsize == 0 || q.items.len() < q.maxsize }
func (q *Queue[T]) hasItems() bool { return q.items.len() > 0 }

func (q *Queue[T]) push(v T) {
	q.items.push(v)
	q.unfinished++
	q.highWater = max(q.highWater, q.items.len())
	q.notEmpty.broadcast()
}

func (q *Queue[T]) pop() T {
	v := q.items.pop()
	q.notFull.broadcast()
	return v
}
