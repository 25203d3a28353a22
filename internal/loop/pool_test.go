package loop_test

import (
	"sync/atomic"
	"testing"

	"github.com/pardemo/pardemo/internal/loop"
)

// Go racing Close neither panics nor loses a function: each runs once,
// on the pool or, after Close, on the caller.
func TestPoolGoRacingClose(t *testing.T) {
	for range 50 {
		p := loop.NewPool(2)
		var ran atomic.Int32
		done := make(chan struct{})
		go func() {
			defer close(done)
			for range 20 {
				p.Go(func() { ran.Add(1) })
			}
		}()
		p.Close()
		<-done
		if n := ran.Load(); n != 20 {
			t.Fatalf("%d of 20 functions ran", n)
		}
	}
}
