package sync

// NewLIFOQueue returns an empty last-in, first-out queue holding at most
// maxsize items, like Python's queue.LifoQueue: Get returns the item that
// was put most recently. As with NewQueue, maxsize <= 0 means unbounded.
//
// Only the order differs from NewQueue. Blocking on full and empty, the
// timeouts, ErrFull and ErrEmpty, TaskDone and Join are the same code,
// because the queue delegates nothing but "which item comes out next" to
// its store.
func NewLIFOQueue[T any](maxsize int) *Queue[T] {
	return newQueue[T](maxsize, &stack[T]{})
}

// stack is the LIFO store: a slice whose last element is the top.
//
// Popping shortens the slice without shrinking its backing array, so the
// memory held is bounded by the deepest the queue has ever been, like ring.
type stack[T any] struct {
	items []T
}

func (s *stack[T]) push(v T) {
	s.items = append(s.items, v)
}

func (s *stack[T]) pop() T {
	top := len(s.items) - 1
	v := s.items[top]
	var zero T
	s.items[top] = zero // drop the reference so the GC can reclaim it
	s.items = s.items[:top]
	return v
}

func (s *stack[T]) len() int {
	return len(s.items)
}
