package proc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Pool is a fixed set of long-lived worker processes fed tasks over their
// pipes: the processes are started once and reused for every task, which
// is the point of a pool (a process start costs milliseconds; a task round
// trip over a pipe costs microseconds).
type Pool struct {
	workers []*Child
	free    chan *Child
	ids     atomic.Uint64
	once    sync.Once
	err     error
}

// NewPool starts n workers playing spec.Role (whose body should call
// Self.Work). Workers are named spec.Name-1 … spec.Name-n.
func NewPool(ctx context.Context, n int, spec Spec) (*Pool, error) {
	if n < 1 {
		return nil, fmt.Errorf("a pool needs at least one worker, not %d", n)
	}
	base := spec.Name
	if base == "" {
		base = "worker"
	}
	p := &Pool{free: make(chan *Child, n)}
	for i := range n {
		s := spec
		s.Name = fmt.Sprintf("%s-%d", base, i+1)
		c, err := Start(ctx, s)
		if err != nil {
			p.Kill()
			return nil, err
		}
		p.workers = append(p.workers, c)
		p.free <- c
	}
	return p, nil
}

// Workers returns the worker processes, in start order.
func (p *Pool) Workers() []*Child { return p.workers }

// Pids returns the workers' process ids, in start order.
func (p *Pool) Pids() []int {
	out := make([]int, len(p.workers))
	for i, w := range p.workers {
		out[i] = w.Pid
	}
	return out
}

// Do runs one task on the next free worker, waits for its reply and
// decodes it into out. It returns the worker that did it. Do is safe for
// concurrent use: callers queue for free workers.
func (p *Pool) Do(ctx context.Context, in, out any) (*Child, error) {
	var w *Child
	select {
	case w = <-p.free:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	err := w.Call(ctx, p.ids.Add(1), in, out)
	if err != nil && (errors.Is(err, ErrChildExited) || ctx.Err() != nil) {
		// A worker that died or was abandoned mid-task is not handed out again.
		return w, err
	}
	p.free <- w
	return w, err
}

// Close lets the workers finish (their stdin closes, Work returns) and
// reaps them; it returns the first worker error.
func (p *Pool) Close() error {
	p.once.Do(func() {
		for _, w := range p.workers {
			w.CloseInput()
		}
		var errs []error
		for _, w := range p.workers {
			errs = append(errs, w.Wait())
		}
		p.err = errors.Join(errs...)
	})
	return p.err
}

// Kill ends every worker now and reaps them.
func (p *Pool) Kill() {
	for _, w := range p.workers {
		w.Kill()
	}
	for _, w := range p.workers {
		<-w.Done()
	}
}
