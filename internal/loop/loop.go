// Package loop is a small, honest model of an asyncio event loop, for the
// lessons of chapter 7. It is a model: Go has no event loop of its own
// (the runtime's network poller and scheduler play that part for every
// goroutine), so this package builds one to show what asyncio does.
//
// What makes it a loop is that one goroutine at a time runs loop code. A
// callback runs on the goroutine that called Run; a task runs on a
// goroutine of its own, but only while it holds the loop: the loop hands
// it the baton, and the task hands it back at its next await (a sleep, a
// future, a queue get). Nothing else runs meanwhile, so loop code needs no
// locks — and a task that blocks without awaiting stalls every other one.
// Stats.MaxHolders counts how many goroutines ever held the loop at once:
// it is 1, and the tests check it.
//
// Time is story time: Time and CallLater speak in story seconds, which
// Options.Speed scales into real time, so `--speed` works, and under
// testing/synctest every wait is exact fake time.
//
// What the model leaves out: there is no I/O selector (only timers and
// wake-ups from other goroutines through CallSoonThreadsafe), no
// contextvars, no exception groups, a task's clean-up after cancellation
// cannot await (see Run), and cancelling a task leaves the future it
// awaits alone (asyncio cancels it unless shielded).
package loop

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Errors of the loop.
var (
	// ErrCancelled is what an await returns in a cancelled task, and what
	// a cancelled future's Result returns: asyncio.CancelledError.
	ErrCancelled = errors.New("cancelled")
	// ErrNotDone is what Result returns for a future still pending:
	// asyncio.InvalidStateError.
	ErrNotDone = errors.New("future not done yet")
	// ErrDone is what SetResult returns for a future already done.
	ErrDone = errors.New("future already done")
)

// DeadlockError is what Run returns when no callback is ready, no timer
// is set and nothing outside the loop can wake it, yet tasks still wait:
// they would wait forever (asyncio would hang).
type DeadlockError struct {
	Waiting []string // the names of the tasks still waiting
}

func (e *DeadlockError) Error() string {
	return fmt.Sprintf("event loop: nothing left to run but %d task(s) still wait: %v", len(e.Waiting), e.Waiting)
}

// Options configure a loop.
type Options struct {
	// Speed is how many story seconds pass per real second (the --speed
	// of pardemo); 0 means 1.
	Speed float64
	// Sleep is how the idle loop waits for its next timer: d of real time,
	// returning early when ctx ends (another goroutine woke the loop). nil
	// means a plain timer. A scenario passes its story clock's sleep, so
	// the watchdog knows an idle loop is asleep, not stuck.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Loop is an event loop. Make one with New, schedule callbacks and tasks,
// then Run it once. Every method except CallSoonThreadsafe, Time and
// Holder must be called from loop code: a callback or a task holding the
// loop (or before Run).
type Loop struct {
	speed float64
	sleep func(ctx context.Context, d time.Duration) error
	start time.Time

	ready    []*Handle // callbacks to run, in order
	spare    []*Handle
	timers   timerHeap // callbacks to run later, earliest first
	seq      uint64    // orders timers set for the same instant
	stopping bool
	closing  bool
	all      []*Co // every task made, finished or not
	holder   atomic.Pointer[string]
	loopName *string
	holding  atomic.Int32 // goroutines holding the loop right now
	most     atomic.Int32 // the most that ever did at once
	stats    Stats
	holdFrom time.Time
	runBy    string // who the current callback ran (a task, if it was a step)

	mu      sync.Mutex // guards the fields below: other goroutines touch them
	inbox   []func()   // callbacks from other goroutines
	pending int        // RunInExecutor jobs not back yet
	wake    context.CancelFunc
	closed  bool
}

// Stats is what the loop counted while it ran.
type Stats struct {
	Callbacks  int           // callbacks run (task steps included)
	Steps      int           // times a task was handed the loop
	Tasks      int           // tasks created
	MaxHolders int           // most goroutines ever holding the loop at once: 1
	Cancelled  int           // tasks Run cancelled because they were still waiting when it ended
	LongestRun time.Duration // the longest time one callback or task step held the loop
	LongestBy  string        // who held it that long
}

// loopName is the holder's name while the loop itself runs callbacks.
const loopName = "loop"

// New returns a loop whose time 0 is now.
func New(o Options) *Loop {
	l := &Loop{speed: o.Speed, sleep: o.Sleep, start: time.Now()}
	if l.speed <= 0 {
		l.speed = 1
	}
	if l.sleep == nil {
		l.sleep = timerSleep
	}
	name := loopName
	l.loopName = &name
	l.holder.Store(l.loopName)
	return l
}

func timerSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Time is the loop's clock in story seconds since New: loop.time().
func (l *Loop) Time() float64 { return time.Since(l.start).Seconds() * l.speed }

// Story converts story seconds to real time at the loop's speed.
func (l *Loop) Story(seconds float64) time.Duration {
	return time.Duration(seconds / l.speed * float64(time.Second))
}

// Holder names who holds the loop now: "loop" while it runs callbacks, or
// the task it handed the baton to.
func (l *Loop) Holder() string { return *l.holder.Load() }

// Stats reports what the loop counted; call it after Run.
func (l *Loop) Stats() Stats {
	s := l.stats
	s.MaxHolders = int(l.most.Load())
	return s
}

// Handle is a scheduled callback; Cancel keeps it from running.
type Handle struct {
	fn        func()
	when      time.Duration // for timers: since the loop's start
	seq       uint64
	cancelled bool
	// A task's own steps carry no closure: kind says which step, tok
	// which await a wake-up is for, err what the await returns.
	co   *Co
	kind uint8
	tok  uint64
	err  error
}

const (
	kindFunc uint8 = iota
	kindStart
	kindWake
)

// Cancel keeps the callback from running, if it has not run yet.
func (h *Handle) Cancel() { h.cancelled = true }

// CallSoon schedules fn to run at the loop's next turn, after the
// callbacks already scheduled: loop.call_soon.
func (l *Loop) CallSoon(fn func()) *Handle {
	h := &Handle{fn: fn}
	l.ready = append(l.ready, h)
	return h
}

// CallLater schedules fn to run after delay story seconds: loop.call_later.
// Callbacks due at the same moment run in the order they were scheduled.
func (l *Loop) CallLater(delay float64, fn func()) *Handle {
	return l.callAt(time.Since(l.start)+l.Story(max(0, delay)), fn)
}

// CallAt schedules fn to run at loop time when (story seconds): loop.call_at.
func (l *Loop) CallAt(when float64, fn func()) *Handle {
	return l.callAt(l.Story(when), fn)
}

func (l *Loop) callAt(at time.Duration, fn func()) *Handle {
	l.seq++
	h := &Handle{fn: fn, when: at, seq: l.seq}
	heap.Push(&l.timers, h)
	return h
}

// CallSoonThreadsafe schedules fn from any goroutine, waking an idle loop:
// loop.call_soon_threadsafe. It reports false if the loop has already
// finished, in which case fn never runs. Only RunInExecutor's jobs count
// as work that will come: a loop whose tasks all wait on something that
// only another goroutine of yours would complete through
// CallSoonThreadsafe ends with a DeadlockError, where asyncio would wait.
func (l *Loop) CallSoonThreadsafe(fn func()) bool { return l.callSoonThreadsafe(false, fn) }

func (l *Loop) callSoonThreadsafe(jobBack bool, fn func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if jobBack {
		l.pending--
	}
	if l.closed {
		return false
	}
	l.inbox = append(l.inbox, fn)
	if l.wake != nil {
		l.wake()
		l.wake = nil
	}
	return true
}

// Stop makes Run return after the callbacks of the current turn: loop.stop.
func (l *Loop) Stop() { l.stopping = true }

// Run runs the loop until Stop is called, until ctx ends, or until no work
// is left (nothing ready, no timer, no executor job out). Whatever ended
// it, every task still unfinished is then cancelled and runs to its end —
// its awaits fail at once with ErrCancelled, so its clean-up cannot wait
// for anything (asyncio.run lets it) — and Run returns only when every
// task goroutine has exited. It returns nil, ctx's cause, or a
// *DeadlockError. Run a loop once.
func (l *Loop) Run(ctx context.Context) error {
	l.enter()
	// A callback that panics ends the loop too: its tasks are cancelled
	// and gone before the panic goes on up.
	defer func() {
		if p := recover(); p != nil {
			l.close()
			panic(p)
		}
	}()
	err := l.turns(ctx)
	l.close()
	return err
}

// close ends every unfinished task and refuses further wake-ups.
func (l *Loop) close() {
	l.closing = true
	for i := 0; i < len(l.all); i++ { // clean-up may make more tasks
		if co := l.all[i]; !co.finished {
			co.cancelAtClose()
		}
	}
	l.ready, l.timers = nil, nil
	l.leave()
	l.mu.Lock()
	l.closed = true
	l.inbox = nil
	l.mu.Unlock()
}

func (l *Loop) turns(ctx context.Context) error {
	for {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		l.mu.Lock()
		inbox := l.inbox
		l.inbox = nil
		pending := l.pending
		l.mu.Unlock()
		for _, fn := range inbox {
			l.CallSoon(fn)
		}
		now := time.Since(l.start)
		for len(l.timers) > 0 && l.timers[0].when <= now {
			h := heap.Pop(&l.timers).(*Handle)
			if !h.cancelled {
				l.ready = append(l.ready, h)
			}
		}
		if len(l.ready) > 0 {
			// One turn runs the callbacks ready when it began; what they
			// schedule runs at the next turn.
			// The two slices take turns, so a busy loop does not allocate.
			batch := l.ready
			l.ready = l.spare[:0]
			for i, h := range batch {
				if !h.cancelled {
					l.run(h)
				}
				if ctx.Err() != nil {
					l.ready = append(slices.Clone(batch[i+1:]), l.ready...)
					break
				}
			}
			clear(batch)
			l.spare = batch[:0]
			if l.stopping {
				return nil
			}
			continue
		}
		if l.stopping {
			return nil
		}
		for len(l.timers) > 0 && l.timers[0].cancelled {
			heap.Pop(&l.timers)
		}
		switch {
		case len(l.timers) > 0:
			l.idle(ctx, l.timers[0].when-now, true)
		case pending > 0:
			l.idle(ctx, 0, false)
		default:
			d := &DeadlockError{}
			for _, co := range l.all {
				if !co.finished {
					d.Waiting = append(d.Waiting, co.name)
				}
			}
			if len(d.Waiting) > 0 {
				return d
			}
			return nil // no work left
		}
	}
}

// run runs one callback, timing how long it holds the loop.
func (l *Loop) run(h *Handle) {
	l.stats.Callbacks++
	l.holdFrom, l.runBy = time.Now(), loopName
	switch h.kind {
	case kindFunc:
		h.fn()
	case kindStart:
		h.co.start()
	case kindWake:
		h.co.wake(h.tok, h.err)
	}
	l.held(l.runBy)
}

func (l *Loop) held(by string) {
	if d := time.Since(l.holdFrom); d > l.stats.LongestRun {
		l.stats.LongestRun, l.stats.LongestBy = d, by
	}
}

// idle waits, with nothing to run, for the next timer (d from now) or a
// wake-up from another goroutine.
func (l *Loop) idle(ctx context.Context, d time.Duration, timed bool) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.mu.Lock()
	if len(l.inbox) > 0 {
		l.mu.Unlock()
		return
	}
	l.wake = cancel
	l.mu.Unlock()
	l.leave()
	if timed {
		_ = l.sleep(wctx, d)
	} else {
		<-wctx.Done()
	}
	l.enter()
	l.mu.Lock()
	l.wake = nil
	l.mu.Unlock()
}

// enter and leave bracket every stretch of loop code, on whichever
// goroutine runs it: holding counts the goroutines inside at once.
func (l *Loop) enter() {
	n := l.holding.Add(1)
	for {
		m := l.most.Load()
		if n <= m || l.most.CompareAndSwap(m, n) {
			return
		}
	}
}

func (l *Loop) leave() { l.holding.Add(-1) }

// timerHeap orders timers by due time, then by the order they were set.
type timerHeap []*Handle

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(*Handle)) }
func (h *timerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
