package loop

import (
	"container/heap"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Future is a result that is not there yet: asyncio.Future. It belongs to
// one loop and is used from loop code only (from another goroutine, go
// through CallSoonThreadsafe, as RunInExecutor does).
type Future[T any] struct {
	l         *Loop
	done      bool
	cancelled bool
	val       T
	err       error
	callbacks []func(*Future[T])
}

// NewFuture returns a pending future of l: loop.create_future().
func NewFuture[T any](l *Loop) *Future[T] { return &Future[T]{l: l} }

// Done reports whether the future has a result, an error, or was cancelled.
func (f *Future[T]) Done() bool { return f.done }

// Cancelled reports whether the future was cancelled.
func (f *Future[T]) Cancelled() bool { return f.cancelled }

// Result returns the value, or the error it was set with, ErrCancelled if
// it was cancelled, or ErrNotDone if it is still pending: future.result().
func (f *Future[T]) Result() (T, error) {
	switch {
	case !f.done:
		var zero T
		return zero, ErrNotDone
	case f.cancelled:
		var zero T
		return zero, ErrCancelled
	}
	return f.val, f.err
}

// SetResult completes the future with v: future.set_result(v). The done
// callbacks are scheduled with CallSoon, in the order they were added.
func (f *Future[T]) SetResult(v T) error {
	if f.done {
		return ErrDone
	}
	f.val = v
	f.finish()
	return nil
}

// SetError completes the future with an error: future.set_exception(err).
func (f *Future[T]) SetError(err error) error {
	if f.done {
		return ErrDone
	}
	f.err = err
	f.finish()
	return nil
}

// Cancel cancels a pending future and reports whether it did:
// future.cancel().
func (f *Future[T]) Cancel() bool {
	if f.done {
		return false
	}
	f.cancelled = true
	f.finish()
	return true
}

func (f *Future[T]) finish() {
	f.done = true
	for _, cb := range f.callbacks {
		f.l.CallSoon(func() { cb(f) })
	}
	f.callbacks = nil
}

// AddDoneCallback has cb called, from the loop, once the future is done
// (at the next turn if it already is): future.add_done_callback(cb).
func (f *Future[T]) AddDoneCallback(cb func(*Future[T])) {
	if f.done {
		f.l.CallSoon(func() { cb(f) })
		return
	}
	f.callbacks = append(f.callbacks, cb)
}

// Co is a running task as its own code sees it: what it awaits with. It
// is handed to the task's function and used only by it.
type Co struct {
	l    *Loop
	name string
	task runner
	// The baton (see start): next hands the task the loop, yield hands it
	// back.
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	started, finished bool
	// parked is true while the task is suspended in an await; token
	// tells that await's wake-up from a stale one, and undoT/undoF undo
	// what it waits for if the task is cancelled instead.
	parked   bool
	token    uint64
	undoT    *Handle
	undoF    func()
	wakeErr  error
	cancelRq bool // cancellation asked for, not yet delivered
}

// runner is the typed part of a task, which Co drives.
type runner interface {
	body()
	finish(err error)
}

// Name is the task's name.
func (co *Co) Name() string { return co.name }

// Loop is the loop the task runs on.
func (co *Co) Loop() *Loop { return co.l }

// Task is a coroutine wrapped so that the loop drives it: asyncio.Task.
// It is also the future of the coroutine's result.
type Task[T any] struct {
	*Future[T]
	co *Co
	fn func(co *Co) (T, error)
}

// Name is the task's name.
func (t *Task[T]) Name() string { return t.co.name }

// Go wraps fn in a task and schedules its first step: asyncio.create_task.
// fn runs on a goroutine of its own, but only while it holds the loop; it
// gives the loop back at each await (co.Sleep, Await, Queue.Get). Its
// result completes the task's future; an error that is ErrCancelled marks
// the task cancelled.
func Go[T any](l *Loop, name string, fn func(co *Co) (T, error)) *Task[T] {
	// One allocation for the three parts of a task.
	a := &struct {
		t     Task[T]
		f     Future[T]
		co    Co
		first Handle
	}{}
	a.f.l = l
	a.co.l, a.co.name, a.co.task = l, name, &a.t
	a.t.Future, a.t.co, a.t.fn = &a.f, &a.co, fn
	l.all = append(l.all, &a.co)
	l.stats.Tasks++
	a.first = Handle{co: &a.co, kind: kindStart}
	l.ready = append(l.ready, &a.first)
	return &a.t
}

func (t *Task[T]) body() {
	v, err := t.guarded()
	if err == nil {
		_ = t.Future.SetResult(v)
		return
	}
	t.finish(err)
}

func (t *Task[T]) guarded() (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("task %s panicked: %v", t.co.name, p)
		}
	}()
	return t.fn(t.co)
}

func (t *Task[T]) finish(err error) {
	if errors.Is(err, ErrCancelled) {
		t.Future.Cancel()
	} else {
		_ = t.Future.SetError(err)
	}
}

// Cancel asks the task to stop: task.cancel(). A task waiting in an await
// is woken with ErrCancelled at the next turn; a task not started yet never
// runs. It reports false if the task is already done.
func (t *Task[T]) Cancel() bool {
	co := t.co
	if t.Future.done {
		return false
	}
	co.cancelRq = true
	if co.parked {
		co.unpark()
		co.l.ready = append(co.l.ready, &Handle{co: co, kind: kindWake, tok: co.token, err: ErrCancelled})
		co.parked = true // until that wake-up runs
	}
	return true
}

// start is the task's first step: its goroutine begins, holding the loop.
func (co *Co) start() {
	l := co.l
	if co.cancelRq {
		co.finished = true
		co.task.finish(ErrCancelled)
		return
	}
	co.started = true
	// The task's coroutine: iter.Pull runs it on a goroutine of its own,
	// and next and yield switch between it and the loop directly — the
	// baton. While one runs, the other is suspended.
	co.next, co.stop = iter.Pull(func(yield func(struct{}) bool) {
		co.yield = yield
		l.enter()
		l.holder.Store(&co.name)
		co.task.body()
		co.finished = true
		l.holder.Store(l.loopName)
		l.leave()
	})
	co.step(nil)
}

// step hands the loop to the task, resuming it with the outcome of its
// await, and takes it back when the task awaits again or ends.
func (co *Co) step(err error) {
	l := co.l
	l.stats.Steps++
	co.wakeErr = err
	l.runBy = co.name
	l.leave()
	if _, more := co.next(); !more {
		co.stop()
	}
	l.enter()
}

// wake resumes the task if it is still in the await that token names.
func (co *Co) wake(token uint64, err error) {
	if !co.parked || co.token != token {
		return
	}
	co.parked = false
	co.token++
	co.undoT, co.undoF = nil, nil
	co.step(err)
}

// park suspends the task in an await until a wake-up or a cancellation
// steps it, and returns the await's outcome.
func (co *Co) park() error {
	l := co.l
	co.parked = true
	l.holder.Store(l.loopName)
	l.leave()
	if !co.yield(struct{}{}) {
		co.wakeErr = ErrCancelled // stopped: cannot happen while the loop lives
	}
	l.enter()
	l.holder.Store(&co.name)
	if errors.Is(co.wakeErr, ErrCancelled) {
		co.cancelRq = false
	}
	return co.wakeErr
}

// unpark ends the current await without its wake-up (it was cancelled).
func (co *Co) unpark() {
	co.parked = false
	co.token++
	if co.undoT != nil {
		co.undoT.Cancel()
	}
	if co.undoF != nil {
		co.undoF()
	}
	co.undoT, co.undoF = nil, nil
}

// waker returns the wake-up for the await about to park.
func (co *Co) waker() func(err error) {
	tok := co.token
	return func(err error) { co.wake(tok, err) }
}

// ready checks, at the start of an await, whether the task must fail at
// once: the loop is closing, or the task was cancelled while it ran.
func (co *Co) ready() error {
	if co.l.closing {
		return ErrCancelled
	}
	if co.cancelRq {
		co.cancelRq = false
		return ErrCancelled
	}
	return nil
}

// cancelAtClose ends a task when Run ends: not started, it never runs;
// waiting, it is woken with ErrCancelled and runs to its end.
func (co *Co) cancelAtClose() {
	co.l.stats.Cancelled++
	if !co.started {
		co.finished = true
		co.task.finish(ErrCancelled)
		return
	}
	co.cancelRq = true
	co.unpark()
	co.step(ErrCancelled)
}

// Sleep gives the loop back for seconds of story time:
// await asyncio.sleep(seconds). It returns ErrCancelled if the task was
// cancelled meanwhile. Sleep(0) just lets the other callbacks run once.
func (co *Co) Sleep(seconds float64) error {
	if err := co.ready(); err != nil {
		return err
	}
	l := co.l
	h := &Handle{co: co, kind: kindWake, tok: co.token}
	if seconds <= 0 {
		l.ready = append(l.ready, h)
	} else {
		l.seq++
		h.when, h.seq = time.Since(l.start)+l.Story(seconds), l.seq
		heap.Push(&l.timers, h)
	}
	co.undoT = h
	return co.park()
}

// Await gives the loop back until f is done, then returns its result:
// await f. Cancelling the task does not cancel f: unlike asyncio, where
// task.cancel() also cancels the future the task awaits unless it is
// wrapped in asyncio.shield. Here every await is shielded.
func Await[T any](co *Co, f *Future[T]) (T, error) {
	if err := co.ready(); err != nil {
		var zero T
		return zero, err
	}
	if !f.done {
		wake := co.waker()
		f.AddDoneCallback(func(*Future[T]) { wake(nil) })
		if err := co.park(); err != nil {
			var zero T
			return zero, err
		}
	}
	return f.Result()
}

// Wait awaits every task (or future) given, in order, and returns the
// first error other than a cancellation: asyncio.gather with
// return_exceptions=True, results left in the futures.
func Wait[T any](co *Co, fs ...*Future[T]) error {
	var first error
	for _, f := range fs {
		if _, err := Await(co, f); err != nil && !errors.Is(err, ErrCancelled) && first == nil {
			first = err
		}
		if co.l.closing {
			return ErrCancelled
		}
	}
	return first
}
