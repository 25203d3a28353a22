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

// With --run-as processes every worker is a child process: a copy of this program
// with its own memory. A barrier lives in memory, so processes cannot share
// one directly; they need a party they can all reach. Here that party is
// the parent, the coordinator. Each worker process talks to it over its own
// pair of pipes, and the parent keeps one goroutine per process, a stand-in
// that waits at an ordinary barrier on the process's behalf:
//
//	process: waits at the start line until all four are up, then works
//	process: answers "arrived", then blocks reading its stdin
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
	Op string `json:"op"` // "arrived" or "go"
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

// processWorker is the body of a worker process. It starts working when
// the coordinator lets all four go from the start line, then obeys the
// coordinator's orders one at a time: between answering "arrived" and
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
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	self.Logf(ev.Start, "works for %.2f story-seconds", a.Delay)
	if err := self.Sleep(ctx, a.Delay); err != nil {
		return err
	}
	var r report
	if a.Meets {
		r.Arrived = self.Now()
		self.Log(ev.Wait, "reaches the barrier: tells the coordinator and waits for its go")
	} else {
		r = stamp()
		r.Arrived = r.Stamp
	}
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var o order
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, err
		}
		switch o.Op {
		case "arrived":
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
	members := make([]proc.Member, len(ws))
	for i, w := range ws {
		members[i] = proc.Member{Name: w.name, Args: workerArgs{Delay: w.delay, Meets: w.meets && useBarrier}}
	}
	g, err := env.Group(ctx, workerRole, members)
	if err != nil {
		return err
	}
	defer g.Kill() // on every path, no worker outlives this function
	kids := g.Children()
	for i, c := range kids {
		ws[i].pid = c.Pid
		env.Log("main", ev.Start, fmt.Sprintf("started %s as process %d", ws[i].name, c.Pid), "pid", c.Pid)
	}
	// A process takes milliseconds to start, and not the same for each.
	// All four wait at the start line until all are up, so that start-up
	// times do not blur the comparison.
	if err := g.Ready(ctx); err != nil {
		return err
	}
	if useBarrier {
		env.Log("main", ev.Note, "all four processes are up. barrier-1 and barrier-2 report to main when their work is done and wait for main's go; main lets them go when both have arrived. free-1 and free-2 stamp as soon as their work is done")
	} else {
		env.Log("main", ev.Note, "all four processes are up. --no-barrier: every process stamps the time as soon as its work is done")
	}
	if err := g.Release(); err != nil {
		return err
	}

	b := isync.NewBarrier(2)
	errs := make(chan error, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		c := kids[i]
		wg.Go(func() {
			var r report
			if err := c.Call(ctx, 1, order{Op: "arrived"}, &r); err != nil {
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
			if err := c.Call(ctx, 2, order{Op: "go"}, &r); err != nil {
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
			return demos.Stopped(ctx)
		}
		return err
	}
	g.CloseInput() // every worker's Work loop ends, and it exits
	return g.Wait(ctx)
}
