package pool_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/internal/pool"
	"github.com/pardemo/pardemo/internal/proc"
)

// roles are the child processes the process-pool tests start: copies of
// the test binary.
var roles = proc.Roles{
	"pool-test/square": func(ctx context.Context, s *proc.Self) error {
		return s.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, err
			}
			if n < 0 {
				return nil, errors.New("negative")
			}
			if n == 1000 { // hold until cancelled
				<-ctx.Done()
				return nil, ctx.Err()
			}
			if n >= 2000 { // a slow task: 100 ms
				time.Sleep(100 * time.Millisecond)
			}
			return n * n, nil
		})
	},
}

func TestMain(m *testing.M) {
	if proc.IsChild() {
		os.Exit(proc.Serve(roles))
	}
	goleak.VerifyTestMain(m)
}

// goid is the calling goroutine's id, read from its stack header: for
// tests only (never let program logic depend on it).
func goid() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	// "goroutine 18 [running]:..."
	var id []byte
	for _, c := range buf[len("goroutine "):] {
		if c == ' ' {
			break
		}
		id = append(id, c)
	}
	return string(id)
}

// The workers never run more than their number of tasks at once, every
// task runs exactly once, and a pool of n really runs n at once.
func TestConcurrencyBound(t *testing.T) {
	const workers, tasks = 4, 400
	var running, peak atomic.Int64
	ran := make([]atomic.Int64, tasks)
	ctx := context.Background()
	p := pool.New(ctx, workers, func(ctx context.Context, i int) (int, error) {
		n := running.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		ran[i].Add(1)
		time.Sleep(100 * time.Microsecond)
		running.Add(-1)
		return i, nil
	})
	var fs []*pool.Future[int]
	for i := range tasks {
		fs = append(fs, p.Submit(i))
	}
	seen := map[int]bool{}
	for f := range pool.AsCompleted(fs) {
		r, err := f.Result(ctx)
		if err != nil || seen[r] {
			t.Fatalf("result %d, %v (seen before: %v)", r, err, seen[r])
		}
		seen[r] = true
	}
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != tasks {
		t.Errorf("%d results, want %d", len(seen), tasks)
	}
	for i := range ran {
		if n := ran[i].Load(); n != 1 {
			t.Errorf("task %d ran %d times", i, n)
		}
	}
	if pk := peak.Load(); pk > workers || pk < 2 {
		t.Errorf("peak concurrency %d, want 2..%d", pk, workers)
	}
}

// Callbacks run in the goroutine that joins, never in a worker, one at a
// time, in completion order.
func TestCallbacksRunInSubmitter(t *testing.T) {
	ctx := context.Background()
	workerIDs := sync.Map{}
	p := pool.New(ctx, 3, func(ctx context.Context, i int) (int, error) {
		workerIDs.Store(goid(), true)
		return i, nil
	})
	me := goid()
	var order []int
	var completed []int
	var mu sync.Mutex
	fs := make([]*pool.Future[int], 50)
	for i := range fs {
		fs[i] = p.Submit(i, func(r int, err error) {
			if id := goid(); id != me {
				t.Errorf("callback ran in goroutine %s, the submitter is %s", id, me)
			}
			order = append(order, r) // no lock: one goroutine runs callbacks
		})
	}
	go func() { // another goroutine records the completion order
		for f := range pool.AsCompleted(fs) {
			r, _ := f.Result(ctx)
			mu.Lock()
			completed = append(completed, r)
			mu.Unlock()
		}
	}()
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if _, bad := workerIDs.Load(me); bad {
		t.Error("the submitter ran a task")
	}
	if len(order) != len(fs) {
		t.Fatalf("%d callbacks ran, want %d", len(order), len(fs))
	}
	seen := map[int]bool{}
	for _, r := range order {
		if seen[r] {
			t.Errorf("callback for %d ran twice", r)
		}
		seen[r] = true
	}
}

// Apply and Map run pending callbacks while they wait.
func TestApplyRunsCallbacks(t *testing.T) {
	ctx := context.Background()
	p := pool.New(ctx, 2, func(ctx context.Context, d time.Duration) (time.Duration, error) {
		time.Sleep(d)
		return d, nil
	})
	called := false
	p.Submit(time.Millisecond, func(time.Duration, error) { called = true })
	if _, err := p.Apply(ctx, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !called {
		t.Error("the quick task's callback did not run while Apply waited")
	}
	p.Close()
	_ = p.Join()
}

func TestMapAsyncCallbackAndOrder(t *testing.T) {
	ctx := context.Background()
	p := pool.New(ctx, 4, func(ctx context.Context, i int) (int, error) {
		time.Sleep(time.Duration(10-i) * 100 * time.Microsecond) // later inputs finish first
		return i * 10, nil
	})
	var got []int
	f := p.MapAsync([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, func(rs []int, err error) { got = rs })
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	rs, err := f.Result(ctx)
	if err != nil || len(rs) != 10 || len(got) != 10 {
		t.Fatalf("%v %v %v", rs, got, err)
	}
	for i := range rs {
		if rs[i] != i*10 || got[i] != i*10 {
			t.Fatalf("out of order: %v", rs)
		}
	}
	q := pool.New(ctx, 1, square)
	if empty, err := q.Map(ctx, nil); err != nil || len(empty) != 0 {
		t.Fatal(empty, err)
	}
	q.Close()
	_ = q.Join()
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	p := pool.New(ctx, 2, func(ctx context.Context, i int) (int, error) {
		if i == 3 {
			return 0, boom
		}
		return i, nil
	})
	if _, err := p.Apply(ctx, 3); !errors.Is(err, boom) {
		t.Errorf("apply: %v", err)
	}
	rs, err := p.Map(ctx, []int{1, 2, 3, 4})
	if !errors.Is(err, boom) || len(rs) != 4 || rs[3] != 4 {
		t.Errorf("map: %v %v", rs, err)
	}
	p.Close()
	if _, err := p.Submit(1).Result(ctx); !errors.Is(err, pool.ErrClosed) {
		t.Errorf("submit after close: %v", err)
	}
	if err := p.Join(); err != nil {
		t.Error(err)
	}
}

// Cancelling the pool's context stops the running tasks and fails the
// queued ones; Join reports the cause.
func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stop")
	started := make(chan struct{}, 2)
	p := pool.New(ctx, 2, func(ctx context.Context, i int) (int, error) {
		started <- struct{}{}
		<-ctx.Done()
		return 0, context.Cause(ctx)
	})
	var fs []*pool.Future[int]
	for i := range 10 {
		fs = append(fs, p.Submit(i))
	}
	<-started
	<-started
	cancel(stop)
	for _, f := range fs {
		if _, err := f.Result(context.Background()); !errors.Is(err, stop) {
			t.Errorf("future: %v, want the cause", err)
		}
	}
	if _, err := p.Submit(1).Result(context.Background()); !errors.Is(err, stop) {
		t.Errorf("submit after cancel: %v", err)
	}
	p.Close()
	if err := p.Join(); !errors.Is(err, stop) {
		t.Errorf("join: %v", err)
	}
}

func TestTerminateAndCancelOne(t *testing.T) {
	ctx := context.Background()
	p := pool.New(ctx, 1, func(ctx context.Context, i int) (int, error) {
		<-ctx.Done()
		return 0, context.Cause(ctx)
	})
	running, queued := p.Submit(1), p.Submit(2)
	if !queued.Cancel() {
		t.Error("cancel of a queued task refused")
	}
	if !running.Cancel() {
		t.Error("cancel of a running task refused")
	}
	if _, err := running.Result(ctx); !errors.Is(err, pool.ErrCancelled) {
		t.Errorf("running: %v", err)
	}
	if _, err := queued.Result(ctx); !errors.Is(err, pool.ErrCancelled) {
		t.Errorf("queued: %v", err)
	}
	if running.Cancel() {
		t.Error("cancel of a completed task accepted")
	}
	left := p.Submit(3)
	p.Terminate()
	if _, err := left.Result(ctx); !errors.Is(err, pool.ErrTerminated) {
		t.Errorf("terminated: %v", err)
	}
	if err := p.Join(); !errors.Is(err, pool.ErrTerminated) {
		t.Errorf("join: %v", err)
	}
}

// Many submitters, callbacks, maps and cancellations at once: for -race.
func TestStress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := pool.New(ctx, 8, func(ctx context.Context, i int) (int, error) {
		if i%7 == 0 {
			runtime.Gosched()
		}
		return i + 1, ctx.Err()
	})
	var sum atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var fs []*pool.Future[int]
			for i := range 200 {
				f := p.Submit(g*1000 + i)
				if i%50 == 0 {
					f.Cancel()
				}
				fs = append(fs, f)
			}
			for f := range pool.AsCompleted(fs) {
				if r, err := f.Result(ctx); err == nil {
					sum.Add(int64(r))
				}
			}
			if _, err := p.Map(ctx, []int{1, 2, 3}); err != nil {
				t.Error(err)
			}
		})
	}
	cbs := 0
	for i := range 500 {
		p.Submit(i, func(int, error) { cbs++ })
	}
	wg.Wait()
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
	if cbs != 500 {
		t.Errorf("%d callbacks ran, want 500", cbs)
	}
	if sum.Load() == 0 {
		t.Error("nothing ran")
	}
}

// Join on a pool that still takes tasks says so at once, as Python's
// raises ValueError, instead of waiting for ever (found in review).
func TestJoinBeforeClose(t *testing.T) {
	p := pool.New(context.Background(), 2, func(_ context.Context, x int) (int, error) { return x * x, nil })
	if err := p.Join(); !errors.Is(err, pool.ErrNotClosed) {
		t.Errorf("join before close: %v", err)
	}
	p.Close()
	if err := p.Join(); err != nil {
		t.Errorf("join after close: %v", err)
	}
}

// Cancelling MapAsync's future cancels its parts (found in review: it
// reported true and did nothing).
func TestMapAsyncCancel(t *testing.T) {
	release := make(chan struct{})
	p := pool.New(context.Background(), 1, func(ctx context.Context, x int) (int, error) {
		select {
		case <-release:
			return x, nil
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		}
	})
	all := p.MapAsync([]int{1, 2, 3})
	if !all.Cancel() {
		t.Error("Cancel reported the map done")
	}
	close(release)
	if _, err := all.Result(context.Background()); !errors.Is(err, pool.ErrCancelled) {
		t.Errorf("cancelled map: %v", err)
	}
	p.Close()
	_ = p.Join()
}
