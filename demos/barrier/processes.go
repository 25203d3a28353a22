package barrier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
	isync "github.com/pardemo/pardemo/internal/sync"
)

// With --processes every worker is a child process: a copy of this program
// with its own memory. A barrier lives in memory, so processes cannot share
// one directly; they need a party they can all reach. Here that party is
// the parent, the coordinator. Each worker process talks to it over its own
// pair of pipes, and the parent keeps one goroutine per process, a stand-in
// that waits at an ordinary barrier on the process's behalf:
//
//	process: works, answers "arrived", then blocks reading its stdin
//	stand-in: gets "arrived", waits at the barrier, then writes "go"
//	process: reads "go", stamps the time at once
//
// So the release travels from the barrier to each process as one pipe
// write and one process wake-up, which is what widens the skew compared
// with goroutines.

// workerRole is a worker of this scenario played by a child process.
const workerRole = "barrier/worker"

// order is one line the coordinator sends to a worker process.
type order struct {
	Op string `json:"op"` // "ready", "work" or "go"
}

// report is a worker process's answer, its times on the run's clock.
type report struct {
	Arrived time.Duration `json:"arrived,omitempty"`
	Stamp   time.Duration `json:"stamp,omitempty"`
}

// workerArgs is what the coordinator hands a worker process when it starts.
type workerArgs struct {
	Delay float64 `json:"delay"` // story seconds of work
	Meets bool    `json:"meets"` // waits for "go" before stamping
}

// processWorker is the body of a worker process. It obeys the
// coordinator's orders one at a time: between answering "work" and
// reading "go" it is blocked on its standard input, which is its way of
// waiting at the barrier.
func processWorker(ctx context.Context, self *proc.Self) error {
	var a workerArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	stamp := func() report {
		r := report{Stamp: self.Now()} // the moment that matters, taken first
		self.Log(ev.Done, fmt.Sprintf("stamp %s", stampText(r.Stamp)), "stamp_ms", ev.Ms(r.Stamp))
		return r
	}
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var o order
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, err
		}
		switch o.Op {
		case "ready":
			return nil, nil
		case "work":
			self.Logf(ev.Start, "works for %.2f story-seconds", a.Delay)
			if err := self.Sleep(ctx, a.Delay); err != nil {
				return nil, err
			}
			if !a.Meets {
				r := stamp()
				r.Arrived = r.Stamp
				return r, nil
			}
			r := report{Arrived: self.Now()}
			self.Log(ev.Wait, "reaches the barrier: tells the coordinator and waits for its go")
			return r, nil // the answer is the arrival; the release is the next order
		case "go":
			return stamp(), nil
		}
		return nil, fmt.Errorf("unknown order %q", o.Op)
	})
}

// runProcesses plays the scenario with each worker in its own child
// process and the parent as the barrier's coordinator.
func runProcesses(ctx context.Context, env *demos.Env, ws []*worker, useBarrier bool) error {
	var kids []*proc.Child
	// On every path: close each child's input (its Work loop ends) and
	// reap it; a child that does not stop is killed when ctx ends.
	defer func() {
		for _, c := range kids {
			c.CloseInput()
			c.WaitCtx(ctx)
		}
	}()
	for _, w := range ws {
		c, err := env.Spawn(ctx, workerRole, w.name, workerArgs{Delay: w.delay, Meets: w.meets && useBarrier})
		if err != nil {
			return err
		}
		kids = append(kids, c)
		w.pid = c.Pid
		env.Log("main", ev.Start, fmt.Sprintf("started %s as process %d", w.name, c.Pid), "pid", c.Pid)
	}
	// A process takes milliseconds to start, and not the same for each.
	// Wait until all four answer before any starts its work, so that
	// start-up times do not blur the comparison.
	for _, c := range kids {
		if err := c.Call(ctx, 1, order{Op: "ready"}, nil); err != nil {
			return err
		}
	}
	if useBarrier {
		env.Log("main", ev.Note, "all four processes are up. barrier-1 and barrier-2 report to main when their work is done and wait for main's go; main lets them go when both have arrived. free-1 and free-2 stamp as soon as their work is done")
	} else {
		env.Log("main", ev.Note, "all four processes are up. --no-barrier: every process stamps the time as soon as its work is done")
	}

	// The children sleep on their own clocks, which the watchdog cannot
	// see: count as asleep for as long as the slowest should take.
	longest := 0.0
	for _, w := range ws {
		longest = max(longest, w.delay)
	}
	stop := asleep(ctx, env, longest+1)
	defer stop()

	b := isync.NewBarrier(2)
	errs := make(chan error, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		c := kids[i]
		wg.Go(func() {
			var r report
			if err := c.Call(ctx, 2, order{Op: "work"}, &r); err != nil {
				b.Abort() // the other stand-in must not wait for this one forever
				errs <- err
				return
			}
			w.arrived, w.stamp = r.Arrived, r.Stamp
			if !w.meets || !useBarrier {
				return
			}
			// This goroutine is the process's stand-in at the barrier.
			if _, err := b.Wait(ctx); err != nil {
				errs <- err
				return
			}
			if err := c.Call(ctx, 3, order{Op: "go"}, &r); err != nil {
				errs <- err
				return
			}
			w.stamp = r.Stamp
		})
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	if err := errors.Join(all...); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return err
	}
	return nil
}

// asleep makes the run count as sleeping (alive, waking by itself) for at
// most story seconds, or until the returned stop is called.
func asleep(ctx context.Context, env *demos.Env, story float64) (stop func()) {
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.Sleep(wctx, story)
	}()
	return func() { cancel(); <-done }
}
