package sync

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrReleasedTooMany is returned by Release on a bounded semaphore whose
// value is already back at its initial value: more releases than acquires,
// which is always a bug (Python's BoundedSemaphore raises ValueError).
var ErrReleasedTooMany = errors.New("bounded semaphore released more times than it was acquired")

// Semaphore is Python's threading.Semaphore (NewSemaphore) and
// threading.BoundedSemaphore (NewBoundedSemaphore): a counter of permits.
// Acquire takes one, waiting while there are none; Release gives one back.
//
// A plain semaphore may start at 0 and be released any number of times, so
// it doubles as a signal: one goroutine waits in Acquire until another one
// calls Release. A bounded semaphore refuses to climb above its initial
// value, which catches the "released twice" bug of a semaphore used as a
// limit on concurrency.
//
// Waiters are not served in arrival order: a release wakes them all and
// whoever gets there first takes the permit. Python's release wakes one
// waiter (its Condition's notify, the longest waiting first), but a thread
// that calls acquire at that moment can still take the permit before it:
// neither promises fairness.
//
// Create one with NewSemaphore or NewBoundedSemaphore; all methods are safe
// for concurrent use.
type Semaphore struct {
	mu       sync.Mutex
	value    int
	bound    int // the highest value Release may reach, when bounded
	bounded  bool
	released signal // broadcast on every Release
}

// NewSemaphore returns a plain semaphore holding value permits. It panics if
// value is negative, as Python raises ValueError.
func NewSemaphore(value int) *Semaphore {
	if value < 0 {
		panic("sync: NewSemaphore needs a value of 0 or more")
	}
	return &Semaphore{value: value}
}

// NewBoundedSemaphore returns a semaphore holding value permits that
// Release never takes above value. It panics if value is negative.
func NewBoundedSemaphore(value int) *Semaphore {
	s := NewSemaphore(value)
	s.bound, s.bounded = value, true
	return s
}

// Acquire takes a permit, waiting while there is none, or returns ctx.Err()
// if ctx ends first. If a permit is free it is taken even when ctx has
// already ended.
func (s *Semaphore) Acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := waitUntil(ctx, &s.mu, &s.released, func() bool { return s.value > 0 }); err != nil {
		return err
	}
	s.value--
	return nil
}

// AcquireTimeout waits at most d for a permit and reports whether it got
// one, like Python's acquire(timeout=d). A d <= 0 behaves like TryAcquire.
func (s *Semaphore) AcquireTimeout(d time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel() // stops the timer
	return s.Acquire(ctx) == nil
}

// TryAcquire takes a permit if one is free and reports whether it did
// (Python's acquire(blocking=False)).
func (s *Semaphore) TryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value == 0 {
		return false
	}
	s.value--
	return true
}

// Release gives a permit back and wakes the waiters. On a plain semaphore
// it always succeeds and returns nil, even above the initial value. On a
// bounded one it returns ErrReleasedTooMany, changing nothing, if the value
// is already at its bound.
func (s *Semaphore) Release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bounded && s.value >= s.bound {
		return ErrReleasedTooMany
	}
	s.value++
	s.released.broadcast()
	return nil
}

// Value returns the number of free permits. It may be stale by the time the
// caller looks at it: use it for reporting, not for deciding.
func (s *Semaphore) Value() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value
}

// Bound returns the value a bounded semaphore cannot be released above, and
// whether the semaphore is bounded at all.
func (s *Semaphore) Bound() (int, bool) {
	return s.bound, s.bounded // never change, so no lock needed
}
