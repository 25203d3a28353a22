package loop_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/loop"
)

// The loop's own overhead (make bench): benchTasks tasks each awaiting a
// 10 ms sleep on the loop, against as many goroutines each calling
// time.Sleep(10 ms). Both take at least 10 ms; what is above is overhead.
// CPython's asyncio took 198 ms for the loop version on the machine of
// issue 11 (asyncio.gather of 10,000 asyncio.sleep(0.01)).
const benchTasks = 10_000

func loopSleepers(b *testing.B) {
	l := loop.New(loop.Options{})
	for range benchTasks {
		loop.Go(l, "t", func(co *loop.Co) (struct{}, error) {
			return struct{}{}, co.Sleep(0.010)
		})
	}
	if err := l.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func goroutineSleepers() {
	var wg sync.WaitGroup
	for range benchTasks {
		wg.Go(func() { time.Sleep(10 * time.Millisecond) })
	}
	wg.Wait()
}

func BenchmarkLoopSleepers(b *testing.B) {
	for b.Loop() {
		loopSleepers(b)
	}
}

func BenchmarkGoroutineSleepers(b *testing.B) {
	for b.Loop() {
		goroutineSleepers()
	}
}

// BenchmarkSleepersSameRun times both in every iteration, alternating
// which goes first, so a machine whose load changes during the run
// weighs on both alike; it reports each one's mean and their ratio.
func BenchmarkSleepersSameRun(b *testing.B) {
	var inLoop, inGoroutines time.Duration
	i := 0
	for b.Loop() {
		timeIt := func(f func()) time.Duration { begin := time.Now(); f(); return time.Since(begin) }
		if i%2 == 0 {
			inLoop += timeIt(func() { loopSleepers(b) })
			inGoroutines += timeIt(goroutineSleepers)
		} else {
			inGoroutines += timeIt(goroutineSleepers)
			inLoop += timeIt(func() { loopSleepers(b) })
		}
		i++
	}
	b.ReportMetric(float64(inLoop.Milliseconds())/float64(i), "loop-ms/op")
	b.ReportMetric(float64(inGoroutines.Milliseconds())/float64(i), "goroutines-ms/op")
	b.ReportMetric(float64(inLoop)/float64(inGoroutines), "ratio")
}
