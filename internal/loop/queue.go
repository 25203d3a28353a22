package loop

// Queue is a FIFO queue for the tasks of one loop: asyncio.Queue, without
// a size limit. Put never waits; Get gives the loop back while the queue
// is empty. TaskDone and Join count the items taken but not yet handled.
type Queue[T any] struct {
	l          *Loop
	items      []T
	getters    []*getter // tasks waiting in Get, first come first served
	unfinished int
	joined     *Future[struct{}]
}

// NewQueue returns an empty queue of l.
func NewQueue[T any](l *Loop) *Queue[T] { return &Queue[T]{l: l} }

// Len is the number of items in the queue: qsize().
func (q *Queue[T]) Len() int { return len(q.items) }

// Put adds v and wakes the first task waiting in Get: put_nowait(v).
func (q *Queue[T]) Put(v T) {
	q.items = append(q.items, v)
	q.unfinished++
	q.wakeNext()
}

// wakeNext wakes the first task still waiting in Get.
func (q *Queue[T]) wakeNext() {
	for len(q.getters) > 0 {
		g := q.getters[0]
		q.getters = q.getters[1:]
		if !g.gone {
			g.gone, g.woken = true, true
			q.l.CallSoon(func() { g.wake(nil) })
			return
		}
	}
}

// getter is a task waiting in Get; gone once woken or cancelled, woken
// once a Put chose it.
type getter struct {
	wake        func(error)
	gone, woken bool
}

// Get takes the first item, giving the loop back until there is one:
// await queue.get(). It returns ErrCancelled if the task was cancelled.
func (q *Queue[T]) Get(co *Co) (T, error) {
	var zero T
	for len(q.items) == 0 {
		if err := co.ready(); err != nil {
			return zero, err
		}
		g := &getter{wake: co.waker()}
		q.getters = append(q.getters, g)
		// Cancelled, this getter leaves the line: Put skips it. One that a
		// Put had already chosen passes its wake-up on to the next getter,
		// as asyncio's get does, or the item would wait with a getter
		// asleep beside it.
		co.undoF = func() {
			g.gone = true
			if g.woken && len(q.items) > 0 {
				q.wakeNext()
			}
		}
		if err := co.park(); err != nil {
			return zero, err
		}
	}
	v := q.items[0]
	q.items[0] = zero
	q.items = q.items[1:]
	return v, nil
}

// TaskDone says one item taken with Get has been handled: task_done().
func (q *Queue[T]) TaskDone() {
	if q.unfinished == 0 {
		panic("loop: TaskDone called more times than there were items")
	}
	q.unfinished--
	if q.unfinished == 0 && q.joined != nil {
		_ = q.joined.SetResult(struct{}{})
		q.joined = nil
	}
}

// Join gives the loop back until every item put has been handled:
// await queue.join().
func (q *Queue[T]) Join(co *Co) error {
	if q.unfinished == 0 {
		return co.ready()
	}
	if q.joined == nil {
		q.joined = NewFuture[struct{}](q.l)
	}
	_, err := Await(co, q.joined)
	return err
}
