package coro_test

import (
	"context"
	"fmt"
	"time"

	"github.com/pardemo/pardemo/internal/coro"
)

// A generator driven both ways: Next primes it (runs it to its first
// yield), each Send carries a value in and brings the next yield out.
func ExampleCoro() {
	// A running average: send numbers in, get the average so far back.
	avg := coro.New(func(yield func(float64) float64) {
		sum, n := 0.0, 0
		x := yield(0) // primed: nothing has been sent yet
		for {
			sum, n = sum+x, n+1
			x = yield(sum / float64(n))
		}
	})
	defer avg.Close()

	avg.Next()
	for _, x := range []float64{10, 20, 60} {
		a, _ := avg.Send(x)
		fmt.Printf("sent %g, average now %g\n", x, a)
	}
	// Output:
	// sent 10, average now 10
	// sent 20, average now 15
	// sent 60, average now 30
}

// Close unwinds a suspended body from its yield: deferred calls run, as
// a Python generator's finally blocks run on gen.close().
func ExampleCoro_Close() {
	c := coro.New(func(yield func(int) struct{}) {
		defer fmt.Println("body: unwound by Close")
		for i := 1; ; i++ {
			yield(i)
		}
	})
	v, _ := c.Next()
	fmt.Println("got", v)
	c.Close()
	_, ok := c.Next()
	fmt.Println("after Close, ok =", ok)
	// Output:
	// got 1
	// body: unwound by Close
	// after Close, ok = false
}

// Two greenlets pass control back and forth explicitly; each runs only
// between being switched to and switching away.
func ExampleHub() {
	var hub coro.Hub[string]
	defer hub.Close()
	var ping, pong *coro.Greenlet[string]
	ping = hub.Spawn("ping", func(g *coro.Greenlet[string], arg string) {
		for i := 1; i <= 2; i++ {
			fmt.Println("ping", i, "to", arg)
			arg = g.Switch(pong, "ping")
		}
	})
	pong = hub.Spawn("pong", func(g *coro.Greenlet[string], arg string) {
		for i := 1; i <= 2; i++ {
			fmt.Println("pong", i, "to", arg)
			arg = g.Switch(ping, "pong")
		}
	})
	_, finished := hub.Switch(ping, "main")
	fmt.Println("back in main; a greenlet finished:", finished)
	fmt.Println("still suspended:", hub.Suspended())
	// Output:
	// ping 1 to main
	// pong 1 to ping
	// ping 2 to pong
	// pong 2 to ping
	// back in main; a greenlet finished: true
	// still suspended: [pong]
}

// stepClock is a clock that jumps: Sleep moves time on at once. It makes
// the schedule below exact, with no waiting.
type stepClock struct{ now time.Duration }

func (c *stepClock) Now() time.Duration { return c.now }
func (c *stepClock) Sleep(_ context.Context, d time.Duration) error {
	c.now += d
	return nil
}

// Two tasks that sleep cooperatively interleave; a third that calls a
// blocking sleep keeps the thread, and the others wait for it.
func ExampleScheduler() {
	clock := &stepClock{}
	s := &coro.Scheduler{Clock: clock}
	say := func(t *coro.Task, what string) { fmt.Printf("%ds %s: %s\n", clock.now/time.Second, t.Name, what) }
	for _, name := range []string{"a", "b"} {
		s.Go(name, func(t *coro.Task) {
			say(t, "step 1")
			t.Sleep(2 * time.Second) // yields: the others run meanwhile
			say(t, "step 2")
		})
	}
	s.Go("blocker", func(t *coro.Task) {
		say(t, "blocks for 5s")
		_ = clock.Sleep(context.Background(), 5*time.Second) // keeps the thread
		say(t, "done")
	})
	_ = s.Run(context.Background())
	for _, t := range s.Tasks() {
		fmt.Printf("%s waited at most %ds for the thread\n", t.Name, t.MaxDelay/time.Second)
	}
	// Output:
	// 0s a: step 1
	// 0s b: step 1
	// 0s blocker: blocks for 5s
	// 5s blocker: done
	// 5s a: step 2
	// 5s b: step 2
	// a waited at most 3s for the thread
	// b waited at most 3s for the thread
	// blocker waited at most 0s for the thread
}
