package sync

// store holds a queue's items and decides the order they come out in.
//
// Queue does all the locking and blocking; the store only has to order. This
// is the seam for the cookbook's other queues: ring is the FIFO (queue.Queue),
// stack the LIFO (queue.LifoQueue, lifo.go) and prioHeap the priority order
// (queue.PriorityQueue, priority.go). Each implements these three methods and
// nothing else, so all three kinds share one tested blocking logic.
// A store is never used concurrently and pop is only called when len() > 0.
type store[T any] interface {
	push(v T)
	pop() T
	len() int
}

// ring is the FIFO store: a circular buffer that doubles when full.
//
// The obvious "q = q[1:]" keeps the popped slots alive at the front of the
// backing array and keeps reallocating forever. A ring reuses its slots, so
// its memory is bounded by the deepest the queue has ever been.
type ring[T any] struct {
	buf  []T
	head int // index of the oldest item
	n    int // number of items
}

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
}

func (r *ring[T]) pop() T {
	var zero T
	v := r.buf[r.head]
	r.buf[r.head] = zero // drop the reference so the GC can reclaim it
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return v
}

func (r *ring[T]) len() int {
	return r.n
}

// grow doubles the buffer, unwrapping the items so the oldest is at index 0.
// It is only called when the buffer is full.
func (r *ring[T]) grow() {
	buf := make([]T, max(4, 2*len(r.buf)))
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf = buf
	r.head = 0
}
