package sync

import "testing"

// The ring must behave like a plain slice used as a FIFO, across wrap-around
// and growth.
func TestRingMatchesSlice(t *testing.T) {
	var r ring[int]
	var model []int
	next := 0
	// A fixed pattern of bursts: pushes outnumber pops, forcing growth while
	// the head is somewhere in the middle of the buffer.
	for step := range 2000 {
		for range step%7 + 1 {
			r.push(next)
			model = append(model, next)
			next++
		}
		for range step%5 + 1 {
			if len(model) == 0 {
				break
			}
			if got := r.pop(); got != model[0] {
				t.Fatalf("step %d: pop = %d, want %d", step, got, model[0])
			}
			model = model[1:]
		}
		if r.len() != len(model) {
			t.Fatalf("step %d: len = %d, want %d", step, r.len(), len(model))
		}
	}
}

// A queue that is filled and drained forever must not keep growing.
func TestRingMemoryBounded(t *testing.T) {
	var r ring[int]
	for i := range 100_000 {
		r.push(i)
		r.push(i)
		r.pop()
		r.pop()
	}
	if len(r.buf) > 4 {
		t.Fatalf("buffer grew to %d slots for a queue never deeper than 2", len(r.buf))
	}
}

// NewQueue is built on the store seam, so other orderings can plug in.
func TestQueueUsesStore(t *testing.T) {
	q := NewQueue[int](0)
	if _, ok := q.items.(*ring[int]); !ok {
		t.Fatalf("NewQueue store is %T, want *ring[int]", q.items)
	}
}
