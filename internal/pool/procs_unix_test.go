//go:build unix

package pool_test

import (
	"context"
	"errors"
	"strings"
	"testing"

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

// Cancelling one task abandons the process doing it (the proc pool stops
// handing it out); the others go on.
func TestOverProcessesCancel(t *testing.T) {
	ctx := context.Background()
	procs, err := proc.NewPool(ctx, 2, proc.Spec{Role: "pool-test/square", Name: "sq"})
	if err != nil {
		t.Fatal(err)
	}
	defer procs.Kill()
	p := pool.OverProcesses[int, int](ctx, procs)
	hold := p.Submit(1000)
	if r, err := p.Apply(ctx, 3); err != nil || r != 9 {
		t.Fatalf("apply: %d %v", r, err)
	}
	hold.Cancel()
	if _, err := hold.Result(ctx); !errors.Is(err, pool.ErrCancelled) {
		t.Errorf("held: %v", err)
	}
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
}
