package sync

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Errors returned by ReentrantLock.Unlock. Compare with errors.Is.
var (
	// ErrNotHeld means Unlock was called on a lock nobody holds (Python's
	// "cannot release un-acquired lock").
	ErrNotHeld = errors.New("re-entrant lock released while nobody holds it")
	// ErrNotOwner means Unlock was called by someone other than the holder.
	ErrNotOwner = errors.New("re-entrant lock released by someone who does not hold it")
)

// ReentrantLock is Python's threading.RLock: a lock that its holder may take
// again without blocking. It remembers who holds it and how many times; the
// holder must release it as many times as it took it before anyone else can
// have it.
//
// Go has no goroutine id on purpose (code that behaves differently depending
// on which goroutine runs it is hard to reason about), so the lock cannot
// find out by itself who is calling. The caller names itself instead: every
// method takes an owner, a non-empty string such as "adder" or "worker-3".
// Two goroutines that pass the same name are the same owner as far as the
// lock is concerned, so give each one its own.
//
// Idiomatic Go avoids re-entrant locking altogether: take a sync.Mutex once,
// in the exported method, and call unexported helpers that expect it held.
// ReentrantLock exists here to teach what RLock does and what it costs.
//
// Create one with NewReentrantLock; all methods are safe for concurrent use.
type ReentrantLock struct {
	mu    sync.Mutex
	owner string // "" when free
	count int    // how many times owner has taken it
	freed signal // broadcast when count drops to 0
}

// NewReentrantLock returns a free lock.
func NewReentrantLock() *ReentrantLock {
	return &ReentrantLock{}
}

// Lock takes the lock for owner, waiting as long as someone else holds it.
// If owner already holds it, Lock returns at once and adds one to the hold
// count. It panics if owner is empty.
func (l *ReentrantLock) Lock(owner string) {
	_ = l.LockCtx(context.Background(), owner) // cannot fail: the context never ends
}

// LockCtx is Lock that gives up when ctx ends, returning ctx.Err(). If the
// lock can be taken at once it is, even with an expired ctx.
func (l *ReentrantLock) LockCtx(ctx context.Context, owner string) error {
	mustName(owner)
	l.mu.Lock()
	defer l.mu.Unlock()
	err := waitUntil(ctx, &l.mu, &l.freed, func() bool { return l.count == 0 || l.owner == owner })
	if err != nil {
		return err
	}
	l.owner = owner
	l.count++
	return nil
}

// TryLock takes the lock for owner if that needs no waiting, and reports
// whether it did (Python's acquire(blocking=False)).
func (l *ReentrantLock) TryLock(owner string) bool {
	mustName(owner)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count > 0 && l.owner != owner {
		return false
	}
	l.owner = owner
	l.count++
	return true
}

// Unlock gives back one hold of owner. When the last hold is given back the
// lock is free and one waiter can take it. Releasing a lock that nobody holds
// returns ErrNotHeld; releasing somebody else's returns ErrNotOwner. Either
// way the lock is left as it was.
func (l *ReentrantLock) Unlock(owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.count == 0:
		return fmt.Errorf("%s tried to release: %w", describe(owner), ErrNotHeld)
	case l.owner != owner:
		return fmt.Errorf("%s tried to release %q's hold: %w", describe(owner), l.owner, ErrNotOwner)
	}
	l.count--
	if l.count == 0 {
		l.owner = ""
		l.freed.broadcast()
	}
	return nil
}

// Holder returns who holds the lock and how many times, or "" and 0 when it
// is free. The answer may be stale by the time the caller looks at it; use it
// for reporting, not for deciding.
func (l *ReentrantLock) Holder() (owner string, count int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.owner, l.count
}

func mustName(owner string) {
	if owner == "" {
		panic("sync: ReentrantLock needs a non-empty owner name")
	}
}

func describe(owner string) string {
	if owner == "" {
		return "an unnamed caller"
	}
	return fmt.Sprintf("%q", owner)
}
