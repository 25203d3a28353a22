package pool_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/pardemo/pardemo/internal/pool"
)

func square(_ context.Context, x int) (int, error) { return x * x, nil }

// Submit returns a future at once; Result waits for it
// (concurrent.futures' executor.submit and future.result()).
func ExamplePool_Submit() {
	ctx := context.Background()
	p := pool.New(ctx, 2, square)
	f5, f8 := p.Submit(5), p.Submit(8)
	r5, _ := f5.Result(ctx)
	r8, _ := f8.Result(ctx)
	p.Close()
	_ = p.Join()
	fmt.Println(r5, r8)
	// Output: 25 64
}

// Map gives the results in input order, however the workers finished.
func ExamplePool_Map() {
	ctx := context.Background()
	p := pool.New(ctx, 3, square)
	defer func() { p.Close(); _ = p.Join() }()
	got, err := p.Map(ctx, []int{1, 2, 3, 4, 5})
	fmt.Println(got, err)
	// Output: [1 4 9 16 25] <nil>
}

// Callbacks run in the goroutine that waits in Join (or Apply, Map), one
// at a time, never inside a worker: no lock is needed around sum.
func ExamplePool_Submit_callback() {
	ctx := context.Background()
	p := pool.New(ctx, 4, square)
	sum := 0
	for x := range 10 {
		p.Submit(x, func(r int, err error) { sum += r })
	}
	p.Close()
	_ = p.Join()
	fmt.Println(sum)
	// Output: 285
}

// AsCompleted yields the futures in the order they complete.
func ExampleAsCompleted() {
	ctx := context.Background()
	p := pool.New(ctx, 5, square)
	var fs []*pool.Future[int]
	for x := range 5 {
		fs = append(fs, p.Submit(x))
	}
	var got []int
	for f := range pool.AsCompleted(fs) {
		r, _ := f.Result(ctx) // completed: does not block
		got = append(got, r)
	}
	p.Close()
	_ = p.Join()
	slices.Sort(got) // the completion order varies from run to run
	fmt.Println(got)
	// Output: [0 1 4 9 16]
}

// A task can ask which worker runs it.
func ExampleWorkerOf() {
	ctx := context.Background()
	p := pool.New(ctx, 1, func(ctx context.Context, x int) (string, error) {
		return fmt.Sprintf("%s squares %d: %d", pool.WorkerOf(ctx), x, x*x), nil
	})
	s, _ := p.Apply(ctx, 7)
	p.Close()
	_ = p.Join()
	fmt.Println(s)
	// Output: worker-1 squares 7: 49
}
