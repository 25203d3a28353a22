// Package pool is a worker pool with futures: Python's multiprocessing.Pool
// and concurrent.futures executors, in Go. A Pool[T, R] has a fixed number
// of workers, each calling one function on inputs of type T and producing
// an R; the workers are goroutines (New) or long-lived child processes
// (OverProcesses), and the code that uses the pool is the same for both.
//
//	p := pool.New(ctx, 5, count)         // ThreadPoolExecutor(max_workers=5)
//	f := p.Submit(8)                     // executor.submit(count, 8)
//	n, err := f.Result(ctx)              // future.result()
//	p.Submit(3, show)                    // pool.apply_async(count, (3,), callback=show)
//	ns, err := p.Map(ctx, xs)            // pool.map(count, xs)
//	for f := range pool.AsCompleted(fs)  // concurrent.futures.as_completed(fs)
//	p.Close(); p.Join()                  // pool.close(); pool.join()
//
// Submit never blocks: tasks wait in the pool's queue until a worker is
// free. Completion callbacks never run inside a worker: they queue up, in
// completion order, and run one at a time in the goroutine that waits in
// the pool (Apply, Map, Join) — normally the one that submitted them, the
// way Python runs them in the parent's result-handler thread.
//
// Cancellation goes through contexts: cancelling the pool's context (or
// calling Terminate) stops every running task's context and fails every
// queued task; Future.Cancel stops one task.
package pool

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// ErrClosed is the error of a task submitted after Close.
var ErrClosed = errors.New("pool: submit after Close")

// ErrTerminated is the cause a Terminate gives to the tasks it stops.
var ErrTerminated = errors.New("pool: terminated")

// ErrCancelled is the cause Future.Cancel gives to its task.
var ErrCancelled = errors.New("pool: task cancelled")

// ErrNotClosed is Join's answer on a pool not yet closed.
var ErrNotClosed = errors.New("pool: Join before Close: the pool still takes tasks (call Close or Terminate first)")

// Pool runs tasks on a fixed set of workers. Its methods are safe for
// concurrent use.
type Pool[T, R any] struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	do     doFunc[T, R]
	prefix string

	mu      sync.Mutex
	wake    *sync.Cond     // a task was queued, the pool closed or its context ended
	queue   []queued[T, R] // submitted, not yet taken by a worker: first in, first out
	closed  bool
	working sync.WaitGroup // the workers

	cbMu      sync.Mutex // one callback at a time, like Python's one result-handler thread
	cbs       []func()   // completion callbacks not yet run, in completion order; under mu
	cbReady   chan struct{}
	allDone   chan struct{} // closed once every worker has ended
	stopWatch func() bool
}

// queued is a submitted task waiting for a worker.
type queued[T, R any] struct {
	in T
	f  *Future[R]
}

// doFunc runs one task on worker w (1-based) and says who did it.
type doFunc[T, R any] func(ctx context.Context, w int, in T) (out R, who string, err error)

// New starts a pool of workers goroutines, each calling fn on the inputs
// it takes from the pool's queue. The pool lives until Close and Join, or
// until ctx ends (which cancels the running tasks and fails the queued
// ones). fn should return soon after its ctx ends.
func New[T, R any](ctx context.Context, workers int, fn func(ctx context.Context, in T) (R, error)) *Pool[T, R] {
	return start(ctx, workers, "worker", func(ctx context.Context, w int, in T) (R, string, error) {
		out, err := fn(ctx, in)
		return out, "", err
	})
}

func start[T, R any](ctx context.Context, workers int, prefix string, do doFunc[T, R]) *Pool[T, R] {
	if workers < 1 {
		panic(fmt.Sprintf("pool: a pool needs at least one worker, not %d", workers))
	}
	p := &Pool[T, R]{do: do, prefix: prefix, cbReady: make(chan struct{}, 1), allDone: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancelCause(ctx)
	p.wake = sync.NewCond(&p.mu)
	// A worker waiting for a task must also wake when the context ends.
	p.stopWatch = context.AfterFunc(p.ctx, func() {
		p.mu.Lock()
		p.wake.Broadcast()
		p.mu.Unlock()
	})
	p.working.Add(workers)
	for w := range workers {
		go p.work(w + 1)
	}
	go func() {
		p.working.Wait()
		close(p.allDone)
	}()
	return p
}

type workerKey struct{}

// WorkerOf is the name of the pool worker running the task whose context
// ctx is ("worker-3"; "feeder-3" for the goroutine feeding process 3 of a
// process pool), or "" outside a pool task: Python's
// threading.current_thread().name, for a task that wants to say who it is.
func WorkerOf(ctx context.Context) string {
	name, _ := ctx.Value(workerKey{}).(string)
	return name
}

// workerName is the name of worker w, as Future.Worker reports it
// ("worker-3").
func workerName(prefix string, w int) string { return fmt.Sprintf("%s-%d", prefix, w) }

// work is one worker's loop: take the next queued task, run it, complete
// its future; end once the queue is empty and the pool closed or stopped.
func (p *Pool[T, R]) work(w int) {
	defer p.working.Done()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed && p.ctx.Err() == nil {
			p.wake.Wait()
		}
		if len(p.queue) == 0 {
			p.mu.Unlock()
			return
		}
		next := p.queue[0]
		p.queue[0] = queued[T, R]{} // let the input go once it has run
		p.queue = p.queue[1:]
		p.mu.Unlock()
		p.run(w, next.f, next.in)
	}
}

// run does one task on worker w, unless it was cancelled while queued or
// the pool stopped.
func (p *Pool[T, R]) run(w int, f *Future[R], in T) {
	name := workerName(p.prefix, w)
	ctx, cancel := context.WithCancelCause(p.ctx)
	defer cancel(nil)
	if !f.begin(cancel) { // cancelled while queued: never started
		var zero R
		p.complete(f, zero, name, ErrCancelled)
		return
	}
	if ctx.Err() != nil { // the pool stopped while the task was queued
		var zero R
		p.complete(f, zero, name, context.Cause(ctx))
		return
	}
	out, who, err := p.do(context.WithValue(ctx, workerKey{}, name), w, in)
	if who == "" {
		who = name
	}
	p.complete(f, out, who, err)
}

// complete settles f and queues its callbacks for the waiting submitter.
func (p *Pool[T, R]) complete(f *Future[R], out R, who string, err error) {
	p.queueCallbacks(f.settle(out, who, err))
}

// queueCallbacks queues callbacks bound to a settled future's result.
func (p *Pool[T, R]) queueCallbacks(cbs []func()) {
	if len(cbs) == 0 {
		return
	}
	p.mu.Lock()
	p.cbs = append(p.cbs, cbs...)
	p.mu.Unlock()
	select {
	case p.cbReady <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// runCallbacks runs, in the calling goroutine, every callback queued so
// far, in the order their tasks completed.
func (p *Pool[T, R]) runCallbacks() {
	p.cbMu.Lock()
	defer p.cbMu.Unlock()
	for {
		p.mu.Lock()
		cbs := p.cbs
		p.cbs = nil
		p.mu.Unlock()
		if len(cbs) == 0 {
			return
		}
		for _, cb := range cbs {
			cb()
		}
	}
}

// Submit queues one task and returns its future at once: Python's
// executor.submit, or pool.apply_async when given callbacks. Each callback
// gets the task's result once it completes, in the goroutine that waits in
// the pool (Apply, Map or Join), never in the worker. After Close, or once
// the pool's context has ended, the future fails at once.
func (p *Pool[T, R]) Submit(in T, callbacks ...func(R, error)) *Future[R] {
	f := newFuture[R]()
	for _, cb := range callbacks {
		f.addCallback(cb)
	}
	p.mu.Lock()
	if p.closed || p.ctx.Err() != nil {
		err := ErrClosed
		if p.ctx.Err() != nil {
			err = context.Cause(p.ctx)
		}
		p.mu.Unlock()
		f.begin(nil)
		var zero R
		p.complete(f, zero, "", err)
		return f
	}
	p.queue = append(p.queue, queued[T, R]{in: in, f: f})
	p.wake.Signal()
	p.mu.Unlock()
	return f
}

// Apply runs one task and waits for its result: Python's pool.apply.
// While it waits, the callbacks of other tasks that complete run here.
func (p *Pool[T, R]) Apply(ctx context.Context, in T) (R, error) {
	f := p.Submit(in)
	if err := p.await(ctx, f.done); err != nil {
		var zero R
		return zero, err
	}
	return f.value()
}

// Map runs fn on every input and waits for all the results, in input
// order: Python's pool.map. The error is the first failed input's (by
// index), with the results of the inputs that succeeded filled in; or,
// with no results, ctx's cause if ctx ends first (the tasks go on).
// Callbacks of completed tasks run here while it waits.
func (p *Pool[T, R]) Map(ctx context.Context, ins []T) ([]R, error) {
	f := p.MapAsync(ins)
	if err := p.await(ctx, f.done); err != nil {
		return nil, err
	}
	return f.value()
}

// MapAsync queues a task per input and returns at once a future of all
// their results, in input order: Python's pool.map_async. Its callbacks
// get the whole list once the last task completes.
func (p *Pool[T, R]) MapAsync(ins []T, callbacks ...func([]R, error)) *Future[[]R] {
	all := newFuture[[]R]()
	for _, cb := range callbacks {
		all.addCallback(cb)
	}
	// Cancelling the whole cancels every part (the parts are all
	// submitted before MapAsync returns, so before anyone can cancel).
	parts := make([]*Future[R], len(ins))
	all.begin(func(error) {
		for _, part := range parts {
			part.Cancel()
		}
	})
	out := make([]R, len(ins))
	errs := make([]error, len(ins))
	var mu sync.Mutex
	left := len(ins)
	finish := func() {
		// Called by whoever completes the last part (a worker): settling
		// the future only queues its callbacks, which run in the submitter.
		var err error
		for i, e := range errs {
			if e != nil {
				err = fmt.Errorf("input %d: %w", i, e)
				break
			}
		}
		p.queueCallbacks(all.settle(out, "", err))
	}
	if left == 0 {
		finish()
		return all
	}
	for i, in := range ins {
		part := p.Submit(in)
		parts[i] = part
		part.whenDone(func() {
			mu.Lock()
			defer mu.Unlock()
			out[i], errs[i] = part.val, part.err
			if left--; left == 0 {
				finish()
			}
		})
	}
	return all
}

// await waits for done, or ctx, running callbacks as they become ready.
func (p *Pool[T, R]) await(ctx context.Context, done <-chan struct{}) error {
	for {
		select {
		case <-done:
			p.runCallbacks()
			return nil
		case <-p.cbReady:
			p.runCallbacks()
		case <-ctx.Done():
			p.runCallbacks()
			return context.Cause(ctx)
		}
	}
}

// Close says no more tasks will be submitted: the workers finish the
// queued tasks, then end. Python's pool.close.
func (p *Pool[T, R]) Close() {
	p.mu.Lock()
	p.closed = true
	p.wake.Broadcast()
	p.mu.Unlock()
}

// Terminate stops the pool now: running tasks see their context end with
// ErrTerminated, queued tasks fail with it, and the pool is closed.
// Python's pool.terminate. Join still waits for the workers to return.
func (p *Pool[T, R]) Terminate() {
	p.cancel(ErrTerminated)
	p.Close()
}

// Join waits until every worker has ended, running the callbacks of the
// tasks that complete meanwhile, in completion order, in the calling
// goroutine: Python's pool.join. Call Close (or Terminate) first: a Join
// on a pool that still takes tasks returns ErrNotClosed at once, as
// Python's raises ValueError, instead of waiting for ever. It returns the
// cause if the pool's context ended (or Terminate was called) before the
// workers did, nil otherwise.
func (p *Pool[T, R]) Join() error {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if !closed && p.ctx.Err() == nil {
		return ErrNotClosed
	}
	for {
		select {
		case <-p.allDone:
			p.runCallbacks()
			p.stopWatch()
			stopped := context.Cause(p.ctx)
			p.cancel(nil) // release the context's resources
			return stopped
		case <-p.cbReady:
			p.runCallbacks()
		}
	}
}

// AsCompleted yields each future of fs once, in the order they complete:
// Python's concurrent.futures.as_completed. Breaking out of the loop early
// is fine. A future's Result does not block once yielded.
func AsCompleted[R any](fs []*Future[R]) iter.Seq[*Future[R]] {
	return func(yield func(*Future[R]) bool) {
		ready := make(chan *Future[R], len(fs)) // never blocks a completing worker
		for _, f := range fs {
			f.whenDone(func() { ready <- f })
		}
		for range fs {
			if !yield(<-ready) {
				return
			}
		}
	}
}
