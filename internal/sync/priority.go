package sync

import "cmp"

// NewPriorityQueue returns an empty priority queue of ordered values
// holding at most maxsize items, like Python's queue.PriorityQueue: Get
// returns the smallest item first (1 before 2, "a" before "b"). Items that
// are equal come out in the order they were put. maxsize <= 0 means
// unbounded.
//
// For items that are not plain numbers or strings, such as a job with a
// priority field, use NewPriorityQueueFunc.
func NewPriorityQueue[T cmp.Ordered](maxsize int) *Queue[T] {
	return NewPriorityQueueFunc(maxsize, cmp.Less[T])
}

// NewPriorityQueueFunc returns an empty priority queue ordered by less:
// less(a, b) reports whether a must come out before b. less must be a
// strict ordering (never true for both less(a, b) and less(b, a)), as for
// sort.Slice.
//
// The queue is stable: two items neither of which is less than the other
// come out in the order they were put. A binary heap on its own does not
// promise that, because sifting moves items past each other; Python's
// PriorityQueue has the same gap, and its documentation suggests putting
// (priority, counter, item) tuples to close it. Here the counter is built
// in: every item is stamped with a sequence number when it is put, and the
// number breaks ties. So less only has to compare priorities, and the items
// themselves never need to be comparable.
//
// It panics if less is nil.
func NewPriorityQueueFunc[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("sync: NewPriorityQueueFunc needs a less function")
	}
	return newQueue[T](maxsize, &prioHeap[T]{less: less})
}

// prioHeap is the priority store: a binary min-heap in a slice, where the
// children of index i are at 2i+1 and 2i+2 and no child comes before its
// parent. Push and pop cost O(log n). It is written out rather than built
// on container/heap, whose interface{} methods would box every item.
type prioHeap[T any] struct {
	less  func(a, b T) bool
	items []stamped[T]
	next  uint64 // sequence number for the next push
}

// stamped is an item plus its arrival number, the tie-breaker.
type stamped[T any] struct {
	v   T
	seq uint64
}

// before reports whether the item at i must come out before the one at j:
// by priority first, then by arrival.
func (h *prioHeap[T]) before(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if h.less(a.v, b.v) {
		return true
	}
	if h.less(b.v, a.v) {
		return false
	}
	return a.seq < b.seq
}

func (h *prioHeap[T]) push(v T) {
	h.items = append(h.items, stamped[T]{v: v, seq: h.next})
	h.next++
	h.up(len(h.items) - 1)
}

func (h *prioHeap[T]) pop() T {
	last := len(h.items) - 1
	h.items[0], h.items[last] = h.items[last], h.items[0]
	v := h.items[last].v
	h.items[last] = stamped[T]{} // drop the reference so the GC can reclaim it
	h.items = h.items[:last]
	h.down(0)
	return v
}

func (h *prioHeap[T]) len() int {
	return len(h.items)
}

// up moves the item at i towards the root until its parent comes first.
func (h *prioHeap[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.before(i, parent) {
			return
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

// down moves the item at i towards the leaves until it comes before both
// of its children.
func (h *prioHeap[T]) down(i int) {
	n := len(h.items)
	for {
		first := i
		if l := 2*i + 1; l < n && h.before(l, first) {
			first = l
		}
		if r := 2*i + 2; r < n && h.before(r, first) {
			first = r
		}
		if first == i {
			return
		}
		h.items[i], h.items[first] = h.items[first], h.items[i]
		i = first
	}
}
