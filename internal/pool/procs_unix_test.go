//go:build unix

package pool_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/pool"
	"github.com/pardemo/pardemo/internal/proc"
)

// The same API over worker processes: results, errors from the child,
// which process did each task, and a clean close.
func TestOverProcesses(t *testing.T) {
	ctx := context.Background()
	procs, err := proc.NewPool(ctx, 3, proc.Spec{Role: "pool-test/square", Name: "sq"})
	if err != nil {
		t.Fatal(err)
	}
	defer procs.Kill()
	p := pool.OverProcesses[int, int](ctx, procs)
	got, err := p.Map(ctx, []int{1, 2, 3, 4, 5, 6, 7})
	if err != nil || len(got) != 7 || got[6] != 49 {
		t.Fatalf("map: %v %v", got, err)
	}
	if _, err := p.Apply(ctx, -1); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("apply -1: %v", err)
	}
	var fs []*pool.Future[int]
	for x := range 9 {
		fs = append(fs, p.Submit(x))
	}
	pids := map[string]bool{}
	for f := range pool.AsCompleted(fs) {
		if _, err := f.Result(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.Worker(), "sq-") || !strings.Contains(f.Worker(), "[pid ") {
			t.Errorf("worker %q", f.Worker())
		}
		pids[f.Worker()] = true
	}
	if len(pids) < 2 {
		t.Errorf("only %v did the work", pids)
	}
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if err := procs.Close(); err != nil {
		t.Fatal(err)
	}
}

// Cancel does not interrupt a task running in a process (Python's
// cancel() refuses a running call too): the process finishes it and the
// future gets its result. Found in review: Cancel used to abandon the
// process, never handing it out again, so after one cancel per process
// every later task waited for ever.
func TestOverProcessesCancelRunning(t *testing.T) {
	ctx := context.Background()
	p := squarers(t, ctx, 2)
	a, b := p.Submit(2001), p.Submit(2002) // 100 ms each, one per process
	time.Sleep(30 * time.Millisecond)      // both running
	a.Cancel()
	b.Cancel()
	if r, err := a.Result(ctx); err != nil || r != 2001*2001 {
		t.Errorf("a cancelled while running: %d %v, want its result", r, err)
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if r, err := p.Apply(wait, 3); err != nil || r != 9 {
		t.Fatalf("after two cancels the pool no longer serves: %d %v", r, err)
	}
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
}

// A task that never ends is stopped by Terminate, which ends the
// pool's context; the other process went on serving meanwhile.
func TestOverProcessesTerminate(t *testing.T) {
	ctx := context.Background()
	p := squarers(t, ctx, 2)
	hold := p.Submit(1000)
	if r, err := p.Apply(ctx, 3); err != nil || r != 9 {
		t.Fatalf("apply: %d %v", r, err)
	}
	p.Terminate()
	if _, err := hold.Result(ctx); err == nil {
		t.Error("held task: no error after Terminate")
	}
	if err := p.Join(); !errors.Is(err, pool.ErrTerminated) {
		t.Errorf("join: %v", err)
	}
}

// squarers is a pool over n "pool-test/square" processes, killed when the
// test ends.
func squarers(t *testing.T, ctx context.Context, n int) *pool.Pool[int, int] {
	t.Helper()
	procs, err := proc.NewPool(ctx, n, proc.Spec{Role: "pool-test/square", Name: "sq"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(procs.Kill)
	return pool.OverProcesses[int, int](ctx, procs)
}
