package loop

import "sync"

// Executor runs blocking functions off the loop: a thread pool in
// asyncio's terms (concurrent.futures.Executor).
type Executor interface {
	// Go runs fn on some goroutine other than the loop's, soon.
	Go(fn func())
}

// Pool is an Executor of a fixed number of goroutines:
// ThreadPoolExecutor(max_workers=n). Close it when done.
type Pool struct {
	jobs    chan func()
	wg      sync.WaitGroup
	once    sync.Once
	mu      sync.Mutex
	closed  bool
	senders sync.WaitGroup // Go calls handing a function over right now
}

// NewPool starts n goroutines (at least 1) that run the functions given
// to Go, one at a time each.
func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan func())}
	for range max(n, 1) {
		p.wg.Go(func() {
			for fn := range p.jobs {
				fn()
			}
		})
	}
	return p
}

// Go queues fn for the next free goroutine of the pool. It blocks while
// every goroutine is busy (call it from the loop through RunInExecutor,
// which never blocks: it hands fn over from a goroutine of its own).
// After Close, Go runs fn itself, on the caller's goroutine.
func (p *Pool) Go(fn func()) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		fn()
		return
	}
	p.senders.Add(1)
	p.mu.Unlock()
	defer p.senders.Done()
	p.jobs <- fn
}

// Close lets the queued functions finish and waits for the goroutines.
func (p *Pool) Close() {
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.senders.Wait() // the workers still take what is being handed over
		close(p.jobs)
	})
	p.wg.Wait()
}

// RunInExecutor runs fn on ex and returns a future that the loop
// completes with fn's result when it is back: loop.run_in_executor(ex, fn).
// The loop keeps running meanwhile, and counts the job as work left, so
// Run does not end before it is back. If the loop has ended by then, the
// result is dropped.
func RunInExecutor[T any](l *Loop, ex Executor, fn func() (T, error)) *Future[T] {
	f := NewFuture[T](l)
	l.mu.Lock()
	l.pending++
	l.mu.Unlock()
	run := func() {
		v, err := fn()
		// The job stops counting as work left in the same breath as its
		// result arrives, so the loop never sees neither.
		l.callSoonThreadsafe(true, func() {
			if f.done {
				return // cancelled meanwhile
			}
			if err != nil {
				_ = f.SetError(err)
			} else {
				_ = f.SetResult(v)
			}
		})
	}
	// Handing over may block while the pool is busy: do it off the loop.
	go ex.Go(run)
	return f
}
