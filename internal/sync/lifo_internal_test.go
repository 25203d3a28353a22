package sync

import (
	"math/rand/v2"
	"testing"
)

// The constructors plug their store into the one Queue.
func TestQueueKindsUseTheirStore(t *testing.T) {
	if _, ok := NewLIFOQueue[int](0).items.(*stack[int]); !ok {
		t.Error("NewLIFOQueue does not use a stack")
	}
	if _, ok := NewPriorityQueue[int](0).items.(*prioHeap[int]); !ok {
		t.Error("NewPriorityQueue does not use a prioHeap")
	}
}

// A stack that is filled and drained forever must not keep growing, and
// popped slots must not keep their items alive.
func TestStackMemoryBounded(t *testing.T) {
	var s stack[*int]
	for range 100_000 {
		a, b := new(int), new(int)
		s.push(a)
		s.push(b)
		s.pop()
		s.pop()
	}
	if cap(s.items) > 4 {
		t.Fatalf("stack grew to %d slots for a depth of 2", cap(s.items))
	}
	if full := s.items[:cap(s.items)]; full[0] != nil || full[1] != nil {
		t.Fatal("popped slots still hold their items")
	}
}

// After every operation no child comes before its parent.
func TestPrioHeapInvariant(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	h := &prioHeap[int]{less: func(a, b int) bool { return a < b }}
	for step := range 5_000 {
		if h.len() == 0 || r.IntN(3) > 0 {
			h.push(r.IntN(20))
		} else {
			h.pop()
		}
		for i := 1; i < h.len(); i++ {
			if h.before(i, (i-1)/2) {
				t.Fatalf("step %d: item %d comes before its parent", step, i)
			}
		}
	}
}
