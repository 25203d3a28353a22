package pool

import (
	"context"
	"sync"
)

// Future is the result of a task that may not have completed yet:
// Python's concurrent.futures.Future, or the AsyncResult of apply_async.
type Future[R any] struct {
	done chan struct{} // closed once the result is in

	mu        sync.Mutex
	cancel    context.CancelCauseFunc // the running task's context; nil until it starts
	cancelled bool
	settled   bool
	val       R
	err       error
	who       string
	hooks     []func()         // the pool's own bookkeeping, run by whoever settles
	callbacks []func(R, error) // the submitter's, queued for it to run
}

func newFuture[R any]() *Future[R] { return &Future[R]{done: make(chan struct{})} }

// Result waits for the task and returns what it returned (Python's
// future.result() / AsyncResult.get()), or ctx's cause if ctx ends first.
func (f *Future[R]) Result(ctx context.Context) (R, error) {
	select {
	case <-f.done:
		return f.value()
	case <-ctx.Done():
		var zero R
		return zero, context.Cause(ctx)
	}
}

// Done is closed once the task has completed (Python's future.done()).
func (f *Future[R]) Done() <-chan struct{} { return f.done }

// Worker is the worker that ran the task ("worker-2", or the process's
// name and pid in a process pool); "" while it has not completed, or if
// it never ran.
func (f *Future[R]) Worker() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.who
}

// Cancel stops the task: a queued task never starts, a running one sees
// its context end with ErrCancelled. Its future then fails with that error
// unless the task finishes anyway. Cancel reports whether the task had not
// completed yet. Python's future.cancel() is stricter: it refuses a
// running task as well as a finished one. A pool over processes
// (OverProcesses) does not interrupt a running task either: the process
// finishes it and the future gets its result. The future of MapAsync
// cancels all its parts.
func (f *Future[R]) Cancel() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settled {
		return false
	}
	f.cancelled = true
	if f.cancel != nil {
		f.cancel(ErrCancelled)
	}
	return true
}

func (f *Future[R]) value() (R, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.val, f.err
}

func (f *Future[R]) addCallback(cb func(R, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.callbacks = append(f.callbacks, cb)
}

// begin marks the task running with its context's cancel function, or
// reports false if it was cancelled while queued.
func (f *Future[R]) begin(cancel context.CancelCauseFunc) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancelled {
		return false
	}
	f.cancel = cancel
	return true
}

// settle records the result, runs the pool's hooks and returns the
// submitter's callbacks, bound to the result, for the pool to queue.
func (f *Future[R]) settle(val R, who string, err error) []func() {
	f.mu.Lock()
	f.val, f.who, f.err, f.settled = val, who, err, true
	f.cancel = nil
	hooks, callbacks := f.hooks, f.callbacks
	f.hooks, f.callbacks = nil, nil
	close(f.done)
	f.mu.Unlock()
	for _, h := range hooks {
		h()
	}
	out := make([]func(), len(callbacks))
	for i, cb := range callbacks {
		out[i] = func() { cb(val, err) }
	}
	return out
}

// whenDone runs h once the future has settled: now, if it has.
func (f *Future[R]) whenDone(h func()) {
	f.mu.Lock()
	if !f.settled {
		f.hooks = append(f.hooks, h)
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	h()
}
