package poolprimes

import (
	"context"
	"runtime"
	"testing"

	"github.com/pardemo/pardemo/internal/pool"
	"github.com/pardemo/pardemo/internal/proc"
)

// The benchmarks behind the lesson's claims, on a balanced list: the same
// large prime 2 × CPUs times, so the work splits evenly over one worker
// per CPU and any shortfall from ×CPUs is the pool's own cost.
//
//	go test -run '^$' -bench Primes -benchtime 10x ./demos/poolprimes/
//
// Compare the ns/op of the three: sequential / pool is the speedup. The
// process pool is started once, outside the timed loop, as a pool should be.

func balanced() (nums []int64, workers int) {
	workers = runtime.NumCPU()
	for range 2 * workers {
		nums = append(nums, 1000000000000037) // ≈ 16 million divisions
	}
	return nums, workers
}

func BenchmarkPrimesSequential(b *testing.B) {
	nums, _ := balanced()
	for b.Loop() {
		for _, n := range nums {
			if f, _ := SmallestFactor(n, nil); f != n {
				b.Fatal("not prime?")
			}
		}
	}
}

func BenchmarkPrimesGoroutinePool(b *testing.B) {
	nums, workers := balanced()
	ctx := context.Background()
	for b.Loop() { // a fresh pool each time, as the scenario makes one per round
		p := pool.New(ctx, workers, func(ctx context.Context, t task) (reply, error) { return divide(ctx, t, nil) })
		drain(b, p, nums)
		p.Close()
		_ = p.Join()
	}
}

func drain(b *testing.B, p *pool.Pool[task, reply], nums []int64) {
	var fs []*pool.Future[reply]
	for i, n := range nums {
		fs = append(fs, p.Submit(task{I: i, N: n}))
	}
	for f := range pool.AsCompleted(fs) {
		if r, err := f.Result(context.Background()); err != nil || r.Factor != nums[r.I] {
			b.Fatal("not prime?", err)
		}
	}
}

func BenchmarkPrimesProcessPool(b *testing.B) {
	if err := proc.Supported(); err != nil {
		b.Skip(err)
	}
	nums, workers := balanced()
	ctx := context.Background()
	procs, err := proc.NewPool(ctx, workers, proc.Spec{Role: roleWorker, Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer procs.Kill()
	p := pool.OverProcesses[task, reply](ctx, procs)
	if _, err := p.Map(ctx, make([]task, workers)); err != nil { // every process up and answering
		b.Fatal(err)
	}
	for b.Loop() { // b.Loop times only this loop: the pool is already up
		drain(b, p, nums)
	}
	p.Close()
	_ = p.Join()
	if err := procs.Close(); err != nil {
		b.Fatal(err)
	}
}
