package race

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Mode is how the shared counter is protected.
type Mode string

// The modes.
const (
	None    Mode = "none"    // atomic load, pause, atomic store: loses updates, yet no data race
	Plain   Mode = "plain"   // n = n + 1 on a plain variable: a real data race (builds without -race only)
	Mutex   Mode = "mutex"   // the read-modify-write under a sync.Mutex
	Atomic  Mode = "atomic"  // one indivisible atomic add
	Channel Mode = "channel" // one goroutine owns the counter; workers send it their updates
)

// Job describes one run: worker i adds Deltas[i] to the counter Count times.
type Job struct {
	Mode   Mode
	Window Window
	Deltas []int64
	Count  int
	// Beat tells a watchdog the run is progressing. Every worker calls it
	// after each stride of its own updates, so a long run is told from a
	// stuck one however the work is split. It is called from the workers
	// at once: it must be cheap, safe for concurrent use, and must not
	// lock.
	Beat func()
}

// stride is how many of its own updates a worker does between two looks at
// the context and two beats. It counts each worker's updates, so a crowd
// of workers with a few thousand updates each stops and beats as promptly
// as two workers with millions; and it is small, because where the
// workers queue fairly (for the mutex, for room in the owner's channel)
// they all reach the end of a stride at about the same moment, so the
// quiet between two bunches of beats is workers × stride updates long. A
// look is one non-blocking receive and a beat one atomic add: neither
// locks, and the counters of counters.go run their stride without either.
const stride = 64

// yieldEvery is how many strides a worker runs between two yields to the
// scheduler. A crowd of busy workers (10,000 of them) fills the run queues,
// and a goroutine that wakes up, such as the one that delivers Ctrl-C or
// the watchdog's, joins the back of the line: without yields it would wait
// for thousands of workers to run to the end, seconds. With them the line
// turns over every few hundred microseconds. A yield with nobody waiting
// costs next to nothing, and 16 strides (1,024 updates) keep its share of
// a worker's time well under 1%.
const yieldEvery = 16

// Run performs the job and returns the counter's final value. All workers
// wait at a start line and are released together, so they really overlap.
//
// None of this reports anything while it runs: reporting takes a lock, and
// a lock would line the workers up and hide the very race they show.
//
// When ctx ends, every worker stops within stride updates (a worker
// waiting for the mutex or for room in the owner's channel waits only for
// updates that are already under way) and Run returns context.Cause(ctx);
// the final value is then meaningless.
func Run(ctx context.Context, j Job) (int64, error) {
	var add func(d int64, k int) // one worker's next k updates
	var total func() int64       // the counter, once every worker is done
	switch j.Mode {
	case None:
		var n atomic.Int64
		add = func(d int64, k int) { addUnprotected(&n, d, k, j.Window) }
		total = n.Load
	case Plain:
		if !PlainAvailable {
			return 0, fmt.Errorf("the plain data race is left out of builds with -race")
		}
		n := new(int64)
		add = func(d int64, k int) { addPlain(n, d, k, j.Window) }
		total = func() int64 { return *n }
	case Mutex:
		var mu sync.Mutex
		var n int64
		add = func(d int64, k int) { addLocked(&mu, &n, d, k, j.Window) }
		total = func() int64 { mu.Lock(); defer mu.Unlock(); return n }
	case Atomic:
		var n atomic.Int64
		add = func(d int64, k int) { addAtomic(&n, d, k) }
		total = n.Load
	case Channel:
		updates := make(chan int64, 64)
		result := make(chan int64, 1)
		go func() { result <- own(updates, j.Window) }()
		add = func(d int64, k int) { sendUpdates(updates, d, k) }
		// Every worker has returned, so nobody sends any more: closing
		// the channel ends the owner's loop.
		total = func() int64 { close(updates); return <-result }
	default:
		return 0, fmt.Errorf("unknown mode %q", j.Mode)
	}
	runWorkers(ctx, j, add)
	final := total()
	if ctx.Err() != nil {
		return final, context.Cause(ctx)
	}
	return final, nil
}

// runWorkers starts one worker per delta behind a start line, releases
// them together and waits for all of them. Each does its Count updates
// stride at a time, looking at ctx before every stride and beating after
// it.
func runWorkers(ctx context.Context, j Job, add func(d int64, k int)) {
	beat := j.Beat
	if beat == nil {
		beat = func() {}
	}
	stop := ctx.Done()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, d := range j.Deltas {
		wg.Go(func() {
			<-start
			for strides, left := 0, j.Count; left > 0; strides++ {
				select {
				case <-stop:
					return
				default:
				}
				if strides%yieldEvery == yieldEvery-1 {
					runtime.Gosched()
				}
				k := min(stride, left)
				add(d, k)
				left -= k
				beat()
			}
		})
	}
	close(start)
	wg.Wait()
}
