package poolprimes

import (
	"context"
	"runtime"
	"testing"

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
	for b.Loop() {
		err := pool(ctx, len(nums), workers, func(ctx context.Context, _, i int) error {
			if f, _ := SmallestFactor(nums[i], nil); f != nums[i] {
				b.Error("not prime?")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrimesProcessPool(b *testing.B) {
	if err := proc.Supported(); err != nil {
		b.Skip(err)
	}
	nums, workers := balanced()
	ctx := context.Background()
	p, err := proc.NewPool(ctx, workers, proc.Spec{Role: roleWorker, Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for b.Loop() { // b.Loop times only this loop: the pool is already up
		err := pool(ctx, len(nums), workers, func(ctx context.Context, _, i int) error {
			var r reply
			if _, err := p.Do(ctx, task{N: nums[i]}, &r); err != nil {
				return err
			}
			if r.Factor != nums[i] {
				b.Error("not prime?")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
