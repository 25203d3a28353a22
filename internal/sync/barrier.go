package sync

import (
	"context"
	"errors"
	"sync"
)

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is broken,
// either before or during the wait (Python's BrokenBarrierError).
var ErrBrokenBarrier = errors.New("barrier is broken")

// Barrier is Python's threading.Barrier: a fixed number of parties wait for
// each other, and nobody continues until everybody has arrived.
//
// It is cyclic: once a round is released the barrier is ready for the next
// one, so a group of goroutines can march through many phases in lockstep.
// If one party gives up (its context ends) the others would wait forever, so
// the barrier breaks instead and everybody is told with ErrBrokenBarrier.
//
// Create one with NewBarrier; all methods are safe for concurrent use.
type Barrier struct {
	mu      sync.Mutex
	parties int
	count   int    // parties that have arrived in the current round
	round   *round // the round that arriving parties join
	broken  bool
}

// round is one trip of the barrier. Each round gets its own channel, so a
// slow waiter from round k can never be confused by round k+1.
type round struct {
	done   chan struct{} // closed when the round is released or broken
	broken bool          // written before done is closed
}

func newRound() *round {
	return &round{done: make(chan struct{})}
}

// NewBarrier returns a barrier for parties goroutines.
// It panics if parties < 1, as a barrier nobody can pass is a programming bug.
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic("sync: NewBarrier needs at least one party")
	}
	return &Barrier{parties: parties, round: newRound()}
}

// Parties returns the number of goroutines needed to release the barrier.
func (b *Barrier) Parties() int {
	return b.parties // never changes, so no lock needed
}

// Waiting returns how many goroutines are waiting in the current round.
func (b *Barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.count
}

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}

// Wait blocks until all parties have called Wait, then releases them together.
//
// It returns the caller's arrival index in this round: 0 for the first to
// arrive up to Parties()-1 for the last, the one that trips the barrier. The
// index is unique within a round, so one party can be picked to do one-off
// work, as Python code does with "if barrier.wait() == 0".
//
// If ctx ends first, the barrier breaks: this caller gets ctx.Err(), the
// other waiters of the round get ErrBrokenBarrier, and so does every later
// Wait until Reset.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	b.mu.Lock()
	if b.broken {
		b.mu.Unlock()
		return 0, ErrBrokenBarrier
	}
	r := b.round
	index := b.count
	b.count++
	if b.count == b.parties {
		// Last to arrive: release everyone and start a fresh round.
		b.endRound(false)
		b.mu.Unlock()
		return index, nil
	}
	b.mu.Unlock()

	select {
	case <-r.done:
	case <-ctx.Done():
		if b.giveUp(r) {
			return index, ctx.Err()
		}
		// The round ended just as ctx did; report how it ended.
	}
	if r.broken { // safe to read: written before r.done was closed
		return index, ErrBrokenBarrier
	}
	return index, nil
}

// giveUp breaks round r for a waiter whose context ended, and reports whether
// it did. It does nothing if r was already released or broken, because then
// the waiter's fate is already decided.
func (b *Barrier) giveUp(r *round) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.round != r {
		return false
	}
	b.endRound(true)
	b.broken = true
	return true
}

// Abort breaks the barrier: current waiters and every later Wait get
// ErrBrokenBarrier until Reset. Use it to stop a group that cannot finish.
func (b *Barrier) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.broken {
		b.endRound(true)
		b.broken = true
	}
}

// Reset returns the barrier to a fresh, unbroken state. Goroutines waiting
// in the current round get ErrBrokenBarrier, since their round will never
// complete.
func (b *Barrier) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.count > 0 {
		b.endRound(true)
	}
	b.broken = false
}

// endRound releases the current round, marking it broken or not, and
// starts a new empty one. The caller must hold b.mu.
func (b *Barrier) endRound(broken bool) {
	b.round.broken = broken
	close(b.round.done)
	b.round = newRound()
	b.count = 0
}
