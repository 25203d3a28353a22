// Package race holds the counters of the lost-update lessons: the same
// read-modify-write done with no protection, under a mutex, as one atomic
// instruction, and by a single owner goroutine fed through a channel.
//
// None of these functions reports anything while it runs: reporting takes a
// lock, and a lock would line the workers up and hide the very race they
// are meant to show.
package race

import (
	"errors"
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

func (w Window) pause() {
	switch w {
	case Spin:
		spin(SpinSteps)
	case Yield:
		runtime.Gosched()
	}
}

// Job describes one run: worker i adds Deltas[i] to the counter Count times.
type Job struct {
	Mode   Mode
	Window Window
	Deltas []int64
	Count  int
	// Beat is called every few thousand updates so a watchdog can tell a
	// long run from a stuck one. It must be cheap and must not lock.
	Beat func()
	// Done, when closed, makes the workers stop early (Ctrl-C); the final
	// value is then meaningless and Run returns ErrStopped.
	Done <-chan struct{}
}

// ErrStopped is returned when Done closed before the workers finished.
var ErrStopped = errors.New("stopped before the workers finished")

// beatEvery is how many updates pass between two Beat calls.
const beatEvery = 1 << 14

// Run performs the job and returns the counter's final value. All workers
// wait at a start line and are released together, so they really overlap.
func Run(j Job) (int64, error) {
	if j.Beat == nil {
		j.Beat = func() {}
	}
	var work func(delta int64)
	var finish func() int64
	switch j.Mode {
	case None:
		var n atomic.Int64
		work = func(d int64) {
			for i := range j.Count {
				v := n.Load()
				j.Window.pause()
				n.Store(v + d)
				if i%beatEvery == 0 && !j.alive() {
					return
				}
			}
		}
		finish = n.Load
	case Plain:
		if !PlainAvailable {
			return 0, fmt.Errorf("the plain data race is left out of builds with -race")
		}
		n := new(int64)
		work = func(d int64) { plainLoop(n, d, j) }
		finish = func() int64 { return *n }
	case Mutex:
		var mu sync.Mutex
		var n int64
		work = func(d int64) {
			for i := range j.Count {
				mu.Lock()
				v := n
				j.Window.pause()
				n = v + d
				mu.Unlock()
				if i%beatEvery == 0 && !j.alive() {
					return
				}
			}
		}
		finish = func() int64 { mu.Lock(); defer mu.Unlock(); return n }
	case Atomic:
		var n atomic.Int64
		work = func(d int64) {
			for i := range j.Count {
				n.Add(d) // read, add and write as one instruction: no window to widen
				if i%beatEvery == 0 && !j.alive() {
					return
				}
			}
		}
		finish = n.Load
	case Channel:
		updates := make(chan int64, 64)
		result := make(chan int64)
		go func() { // the owner: the only goroutine that touches n
			var n int64
			for d := range updates {
				v := n
				j.Window.pause()
				n = v + d
			}
			result <- n
		}()
		work = func(d int64) {
			for i := range j.Count {
				updates <- d
				if i%beatEvery == 0 && !j.alive() {
					return
				}
			}
		}
		finish = func() int64 { close(updates); return <-result }
	default:
		return 0, fmt.Errorf("unknown mode %q", j.Mode)
	}
	final := runWorkers(j.Deltas, work, finish)
	select {
	case <-j.Done:
		return final, ErrStopped
	default:
		return final, nil
	}
}

// alive beats and reports whether the workers should go on.
func (j Job) alive() bool {
	j.Beat()
	select {
	case <-j.Done:
		return false
	default:
		return true
	}
}

func runWorkers(deltas []int64, work func(int64), finish func() int64) int64 {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, d := range deltas {
		wg.Go(func() {
			<-start
			work(d)
		})
	}
	close(start)
	wg.Wait()
	return finish()
}
