package sync

import (
	"context"
	"sync"
	"time"
)

// Event is Python's threading.Event: a flag that goroutines can wait for.
//
// Unlike closing a channel, an Event can be cleared and set again, which is
// what lets the cookbook use it as a reusable "go"/"pause" switch.
// Create one with NewEvent; all methods are safe for concurrent use.
type Event struct {
	mu  sync.Mutex
	set bool
	sig signal
}

// NewEvent returns an Event whose flag is clear.
func NewEvent() *Event {
	return &Event{}
}

// Set raises the flag. Every goroutine already waiting is woken, and later
// Waits return at once until Clear is called.
func (e *Event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = true
	e.sig.broadcast()
}

// Clear lowers the flag so that later Waits block again.
func (e *Event) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.set = false
}

// IsSet reports whether the flag is raised.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait blocks until the flag is set or ctx ends, returning nil or ctx.Err().
//
// A waiter that was woken by Set returns nil even if Clear ran before it got
// to run again: like Python, it reports that the event happened, not the
// flag's current value. This is why Wait does not simply loop on IsSet.
func (e *Event) Wait(ctx context.Context) error {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	ch := e.sig.changed()
	e.mu.Unlock()

	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		// If Set raced with the cancellation, prefer the good news.
		select {
		case <-ch:
			return nil
		default:
			return ctx.Err()
		}
	}
}

// WaitTimeout waits at most d for the flag and reports whether it was set,
// like Python's event.wait(timeout). A d <= 0 just checks the flag.
func (e *Event) WaitTimeout(d time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel() // stops the timer
	return e.Wait(ctx) == nil
}
