package gil

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
)

// switchInterval is how long a computing worker keeps the modelled GIL
// before it offers it to a waiting one: CPython's default
// sys.getswitchinterval() of 5 ms. It is real time, not story time — it
// belongs to the interpreter, not to the cookbook's story.
const switchInterval = 5 * time.Millisecond

// chunk is how many counting steps run between two looks at the outside
// world (the GIL's switch request, the watchdog's heartbeat, Ctrl-C). It is
// a few tens of microseconds of work, so the looks cost nothing.
const chunk = 1 << 16

// countTo is the cookbook's CPU-bound job: count from 0 to n. Every step
// also folds the counter into a checksum that the caller keeps, so the
// compiler cannot skip the loop or replace it by its answer: all n steps
// really run. Between chunks it calls between, which may block (to hand
// the GIL over) or end the job (ctx done); not after the last one.
//
// It is never inlined: every way of running it must run the same machine
// code. It was inlined into each of its three callers, and inlined copies
// can differ in loop alignment and so in speed (pool sum's goroutine copy
// ran 2× slower than its sequential one), which would fake a speed-up.
//
//go:noinline
func countTo(n int, between func() error) (uint64, error) {
	var sum uint64
	for i := 0; i < n; {
		end := min(n, i+chunk)
		for ; i < end; i++ {
			sum = sum*0x100000001b3 + uint64(i) // FNV's multiplier: cheap, and no shortcut exists
		}
		if i == n {
			break // done: no need to look around, or to queue for the GIL again
		}
		if err := between(); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// interpreterLock models CPython's global interpreter lock (GIL) with one
// token. A worker must hold the token to run "Python code". A worker that
// computes keeps it until it has held it for the switch interval and
// someone is waiting; then it hands it over and queues for it again, as
// CPython's forced switching does. A worker about to block on IO (here: a
// sleep) releases it first, as CPython does around every blocking call.
//
// The token is a buffered channel of one. Go hands a value sent on a
// channel straight to the receiver that has waited longest, so the handover
// is first come, first served and the releasing worker goes to the back of
// the line. Waiting can be abandoned when ctx ends, so nothing leaks.
type interpreterLock struct {
	token    chan struct{}
	waiting  atomic.Int32
	switches atomic.Int64 // forced handovers from a computing worker
}

func newInterpreterLock() *interpreterLock {
	l := &interpreterLock{token: make(chan struct{}, 1)}
	l.token <- struct{}{}
	return l
}

// acquire waits for the token, or until ctx ends.
func (l *interpreterLock) acquire(ctx context.Context) error {
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	select {
	case <-l.token:
		return nil
	case <-ctx.Done():
		return demos.Stopped(ctx)
	}
}

// release gives the token back: to the longest waiter if there is one.
// Only the holder calls it, so it never blocks.
func (l *interpreterLock) release() { l.token <- struct{}{} }

// holder is one computing worker's hold on the lock.
type holder struct {
	lock  *interpreterLock
	held  bool
	since time.Time // when it last got the token
}

// take queues for the token.
func (h *holder) take(ctx context.Context) error {
	if err := h.lock.acquire(ctx); err != nil {
		return err
	}
	h.held, h.since = true, time.Now()
	return nil
}

// drop gives the token back if this worker holds it.
func (h *holder) drop() {
	if h.held {
		h.held = false
		h.lock.release()
	}
}

// check is called between chunks of computing. Once the worker has held
// the token for the switch interval, and another worker is waiting, it
// hands the token over and queues for it again.
func (h *holder) check(ctx context.Context) error {
	if h.lock.waiting.Load() == 0 || time.Since(h.since) < switchInterval {
		return nil
	}
	h.lock.switches.Add(1)
	h.drop()
	return h.take(ctx)
}
