package coro_test

import (
	"context"
	"testing"

	"github.com/pardemo/pardemo/internal/coro"
)

// What one round trip costs: a value sent into a coroutine and one
// yielded back (two switches), against the same hand-off between two
// goroutines over unbuffered channels.

func BenchmarkCoroSend(b *testing.B) {
	c := coro.New(func(yield func(int) int) {
		for x := yield(0); ; x = yield(x + 1) {
		}
	})
	defer c.Close()
	c.Next()
	for i := 0; b.Loop(); i++ {
		c.Send(i)
	}
}

func BenchmarkGreenletSwitch(b *testing.B) {
	var hub coro.Hub[int]
	defer hub.Close()
	g := hub.Spawn("g", func(g *coro.Greenlet[int], x int) {
		for {
			x = g.Switch(nil, x+1)
		}
	})
	for i := 0; b.Loop(); i++ {
		hub.Switch(g, i)
	}
}

func BenchmarkChannelPingPong(b *testing.B) {
	in, out := make(chan int), make(chan int)
	go func() {
		for x := range in {
			out <- x + 1
		}
		close(out)
	}()
	for i := 0; b.Loop(); i++ {
		in <- i
		<-out
	}
	close(in)
	<-out
}

// One turn of the cooperative scheduler: 100 tasks yield in turn (a
// sleep of 0), b.N turns in all. Each turn is a pick, a resume and a
// yield back.
func BenchmarkSchedulerTurn(b *testing.B) {
	const tasks = 100
	s := &coro.Scheduler{Clock: coro.NewRealClock()}
	for range tasks {
		s.Go("t", func(t *coro.Task) {
			for range b.N / tasks {
				t.Sleep(0)
			}
		})
	}
	b.ResetTimer()
	if err := s.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
}
