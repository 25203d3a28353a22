// Package race holds the counters of the lost-update lesson. Each function
// below is one worker's turn at a shared counter: k times n = n + d, done
// with no protection, under a mutex, as one atomic add, and by sending the
// update to the one goroutine that owns n. The plain data race is in
// plain_norace.go; run.go starts the workers together.
package race

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// addUnprotected loses updates: it reads n, pauses, and writes back what it
// read plus d. Each read and each write is atomic, so this is no data race
// (go test -race stays quiet), but the update as a whole is not: when
// another worker writes n inside the window, this write overwrites it, and
// that worker's update is lost.
func addUnprotected(n *atomic.Int64, d int64, k int, w Window) {
	for range k {
		v := n.Load()  // read
		w.pause()      // the window: another worker may write n now...
		n.Store(v + d) // ...and this write wipes out what it wrote
	}
}

// addLocked is the fix with a lock: the read, the window and the write all
// happen while holding mu, so no other worker can write in between.
func addLocked(mu *sync.Mutex, n *int64, d int64, k int, w Window) {
	for range k {
		mu.Lock()
		v := *n
		w.pause()
		*n = v + d
		mu.Unlock()
	}
}

// addAtomic is the fix with one instruction: read, add and write happen as
// one indivisible step, which leaves no window to widen.
func addAtomic(n *atomic.Int64, d int64, k int) {
	for range k {
		n.Add(d)
	}
}

// sendUpdates is a worker of the channel fix: it never touches the counter,
// it sends each update to the owner.
func sendUpdates(updates chan<- int64, d int64, k int) {
	for range k {
		updates <- d
	}
}

// own is the owner of the channel fix, the only goroutine that ever touches
// n: its read-modify-write needs no lock, however wide the window. It
// applies updates until the channel is closed, then returns the total.
func own(updates <-chan int64, w Window) int64 {
	var n int64
	for d := range updates {
		v := n
		w.pause()
		n = v + d
	}
	return n
}

// Window is what a worker does between reading the counter and writing it
// back. The wider the window, the likelier another worker slips in.
type Window string

// The windows.
const (
	NoWindow Window = "none"  // the bare read-modify-write
	Spin     Window = "spin"  // a few steps of busy work (SpinSteps)
	Yield    Window = "yield" // hand the CPU to the scheduler, like the cookbook's short sleep
)

// SpinSteps is the width of the Spin window. Measured on a 2-core machine
// with another program keeping one or both cores busy: the bare loop lost
// updates in 1 of 20 runs, 10 or more spin steps in 20 of 20.
const SpinSteps = 25

func (w Window) pause() {
	switch w {
	case Spin:
		spin(SpinSteps)
	case Yield:
		runtime.Gosched()
	}
}

var sink atomic.Int64

// spin does a little arithmetic the compiler cannot remove.
//
//go:noinline
func spin(n int) {
	x := 1
	for i := range n {
		x += i ^ (x >> 1)
	}
	if x == 0 {
		sink.Add(1)
	}
}
