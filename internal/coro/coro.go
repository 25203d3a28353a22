// Package coro is a small, honest model of Python's coroutines in Go:
//
//   - Coro, a two-way coroutine: a generator driven with next() and
//     send(), built on iter.Pull;
//   - Hub and Greenlet, coroutines that hand control to each other by
//     name, as greenlet.switch does;
//   - Scheduler, a cooperative scheduler in which a task gives up the
//     thread only when it yields, as gevent's hub does.
//
// Go needs none of them to be concurrent: goroutines are scheduled by the
// runtime, and a goroutine blocked in a sleep, a channel or a socket never
// holds up another. The package exists to show what the Python programs do,
// one step at a time, and why a blocking call inside a cooperative
// scheduler stalls everyone.
//
// "One thread" here means one at a time: the coroutines of iter.Pull run on
// goroutines of their own, but the runtime switches straight from one to
// the other (it never runs two of them at once), which is exactly the
// discipline of a single thread.
package coro

import "iter"

// Coro is a coroutine you talk to in both directions, like a Python
// generator: Send(v) resumes the body, which receives v as the result of
// the yield it was suspended in, and runs until its next yield; Send then
// returns the value that yield handed out. In is what is sent in, Out what
// is yielded back.
//
// A Coro is driven by one goroutine at a time; the body runs only while
// that goroutine waits in Next or Send, never beside it.
type Coro[In, Out any] struct {
	next    func() (Out, bool)
	stop    func()
	in      In   // the value the current Send carries into the body
	started bool // the body has been run up to its first yield
	done    bool // the body has returned, or Close was called
}

// closed is what a body's yield panics with after Close, so that the
// body unwinds (its deferred calls run) the way Python raises
// GeneratorExit at the suspended yield. New's wrapper recovers it.
type closed struct{}

// New returns a coroutine that will run body. Nothing runs yet: like a
// Python generator function, calling it only makes the generator. Inside
// body, yield(out) suspends the body, hands out to the caller of
// Next/Send, and returns the value the next Send brings in.
//
// A body must not recover every panic: Close unwinds a suspended body with
// a panic that New's own wrapper catches.
func New[In, Out any](body func(yield func(Out) In)) *Coro[In, Out] {
	c := &Coro[In, Out]{}
	seq := func(pull func(Out) bool) {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(closed); !ok {
					panic(p)
				}
			}
		}()
		body(func(out Out) In {
			if !pull(out) {
				panic(closed{})
			}
			return c.in
		})
	}
	c.next, c.stop = iter.Pull(iter.Seq[Out](seq))
	return c
}

// Next resumes the coroutine with the zero value of In: Python's
// next(gen), which is gen.send(None). The first resume must be Next,
// because a body that has not started is not suspended in a yield that
// could receive anything. It returns the next value the body yields, or
// ok == false once the body has returned.
func (c *Coro[In, Out]) Next() (out Out, ok bool) {
	var zero In
	c.started = true
	return c.resume(zero)
}

// Send resumes the coroutine with v, which becomes the result of the
// yield the body is suspended in, and returns the next value it yields
// (ok == false once the body has returned). Sending to a coroutine that
// has not started panics, as Python raises TypeError for it: call Next
// first ("priming" the generator).
func (c *Coro[In, Out]) Send(v In) (out Out, ok bool) {
	if !c.started {
		panic("coro: Send to a coroutine that has not started; call Next first")
	}
	return c.resume(v)
}

func (c *Coro[In, Out]) resume(v In) (Out, bool) {
	if c.done {
		var zero Out
		return zero, false
	}
	c.in = v
	out, ok := c.next()
	if !ok {
		c.done = true
	}
	return out, ok
}

// Done reports whether the body has returned (or the coroutine was
// closed).
func (c *Coro[In, Out]) Done() bool { return c.done }

// Close ends the coroutine: a body suspended in yield unwinds from there,
// running its deferred calls (Python's gen.close()). Closing a finished or
// closed coroutine does nothing. Every Coro must end, by returning or by
// Close, or its goroutine stays behind.
func (c *Coro[In, Out]) Close() {
	c.done = true
	c.stop()
}
