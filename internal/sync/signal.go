package sync

import (
	"context"
	"sync"
)

// signal is a broadcast-only condition variable that works in a select.
//
// sync.Cond.Wait cannot be interrupted, so it cannot honour a context or a
// timeout. Instead, a waiter takes the current channel (while holding the
// owning mutex), unlocks, and selects on that channel and ctx.Done().
// broadcast closes the channel, which wakes every waiter at once, and the next
// waiter gets a fresh one. The zero value is ready to use, and no channel is
// allocated while nobody is waiting.
type signal struct {
	ch chan struct{}
}

// changed returns a channel that is closed by the next broadcast.
// The caller must hold the mutex that guards the signal.
func (s *signal) changed() <-chan struct{} {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// broadcast wakes everyone who called changed since the last broadcast.
// The caller must hold the mutex that guards the signal.
func (s *signal) broadcast() {
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// waitUntil blocks until ready reports true or ctx ends. mu must be held on
// entry and is held again on return; it is released only while sleeping.
//
// ready is checked before ctx, so a call whose condition already holds
// succeeds even with an expired context. That is what makes a zero timeout
// behave like Python's non-blocking calls. The loop re-checks ready after
// every wake-up, because another goroutine may have got there first.
func waitUntil(ctx context.Context, mu *sync.Mutex, s *signal, ready func() bool) error {
	for !ready() {
		if err := ctx.Err(); err != nil {
			return err
		}
		ch := s.changed()
		mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		mu.Lock()
	}
	return nil
}
