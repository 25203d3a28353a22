package deadlock

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// table holds every lock of the scenario and the wait-for graph: which
// worker holds each lock, and which lock each worker waits for. One mutex
// guards both, so the graph is never behind the locks it describes.
//
// A lock here is a name in the table, not a sync.Mutex, for two reasons a
// real program shares: a wait can be abandoned when ctx ends (a goroutine
// stuck in sync.Mutex.Lock can never be stopped, so it would leak), and the
// table can say who holds what, which a sync.Mutex does not know.
type table struct {
	env *demos.Env

	mu      sync.Mutex
	holder  map[string]string        // lock → the worker holding it
	waiting map[string]string        // worker → the lock it waits for
	freed   map[string]chan struct{} // lock → closed at its next release
	moves   int                      // acquisitions and releases so far

	detect bool          // look for a cycle whenever a worker starts to wait
	cycle  []string      // the first cycle found, see cycleFrom
	found  chan struct{} // closed when cycle is set
}

func newTable(env *demos.Env, detect bool) *table {
	return &table{env: env, holder: map[string]string{}, waiting: map[string]string{},
		freed: map[string]chan struct{}{}, detect: detect, found: make(chan struct{})}
}

// acquire takes lock for worker, waiting while another worker holds it, or
// until ctx ends. Starting to wait is the one moment a deadlock can begin,
// so that is when the detector looks for a cycle.
func (t *table) acquire(ctx context.Context, worker, lock string) error {
	t.mu.Lock()
	for {
		h, held := t.holder[lock]
		if !held {
			t.holder[lock] = worker
			delete(t.waiting, worker)
			t.moves++
			t.mu.Unlock()
			return nil
		}
		if t.waiting[worker] != lock {
			t.waiting[worker] = lock
			t.env.Log(worker, ev.Wait, fmt.Sprintf("wants %s, held by %s: waits", lock, h), ev.AttrLock, lock, "holder", h)
			if t.detect && t.cycle == nil {
				if c := t.cycleFrom(worker); c != nil {
					t.cycle = c
					close(t.found)
				}
			}
		}
		ch := t.freed[lock]
		if ch == nil {
			ch = make(chan struct{})
			t.freed[lock] = ch
		}
		t.mu.Unlock()
		select {
		case <-ch: // released: try again (another waiter may get there first)
			t.mu.Lock()
		case <-ctx.Done():
			t.mu.Lock()
			delete(t.waiting, worker)
			t.mu.Unlock()
			return demos.Stopped(ctx)
		}
	}
}

// release gives lock back and wakes everyone waiting for it.
func (t *table) release(lock string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.holder, lock)
	t.moves++
	if ch := t.freed[lock]; ch != nil {
		close(ch)
		delete(t.freed, lock)
	}
}

// cycleFrom follows the wait-for graph from worker: the lock it waits for,
// that lock's holder, the lock the holder waits for, and so on. If the
// path comes back to worker, that is a deadlock: nobody on it can ever
// move. The cycle is returned as worker, lock, worker, lock, …, where each
// worker waits for the lock after it and that lock is held by the worker
// after that (the last lock by the first worker), starting from the
// lowest-named worker. Each worker waits for at most one lock, so the walk
// is a single path. Call with t.mu held.
func (t *table) cycleFrom(worker string) []string {
	var c []string
	for w := worker; len(c) <= 2*len(t.waiting); {
		lock, ok := t.waiting[w]
		if !ok {
			return nil
		}
		h, ok := t.holder[lock]
		if !ok {
			return nil // just released: the waiter is about to get it
		}
		c = append(c, w, lock)
		if h == worker {
			// Rotate so the same deadlock always reads the same way.
			first := 0
			for i := 0; i < len(c); i += 2 {
				if c[i] < c[first] {
					first = i
				}
			}
			return append(c[first:], c[:first]...)
		}
		w = h
	}
	return nil // a cycle that does not pass through worker
}

// anyCycle finds a cycle from any waiting worker. Call with t.mu held.
func (t *table) anyCycle() []string {
	ws := make([]string, 0, len(t.waiting))
	for w := range t.waiting {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	for _, w := range ws {
		if c := t.cycleFrom(w); c != nil {
			return c
		}
	}
	return nil
}

// state is a copy of the graph for the report: who holds what, who waits
// for what, and how many moves there have been.
type state struct {
	holder  map[string]string
	waiting map[string]string
	moves   int
	cycle   []string // a cycle in this state, if any
}

func (t *table) snapshot() state {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := state{holder: map[string]string{}, waiting: map[string]string{}, moves: t.moves, cycle: t.anyCycle()}
	maps.Copy(s.holder, t.holder)
	maps.Copy(s.waiting, t.waiting)
	return s
}

// held lists the locks worker holds in s.
func (s state) held(worker string) []string {
	var out []string
	for l, w := range s.holder {
		if w == worker {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// describe tells a cycle in words: "worker-1 holds lock-A and waits for
// lock-B, held by worker-2; worker-2 holds lock-B and waits for lock-A,
// held by worker-1".
func describe(c []string) string {
	var parts []string
	for i := 0; i < len(c); i += 2 {
		prev := c[(i-1+len(c))%len(c)] // the lock this worker holds on the cycle
		next := c[(i+2)%len(c)]        // the worker holding the lock it wants
		parts = append(parts, fmt.Sprintf("%s holds %s and waits for %s, held by %s", c[i], prev, c[i+1], next))
	}
	return strings.Join(parts, "; ")
}

// explain is the watchdog's account of the stall: the cycle if there is
// one, otherwise who holds and who waits for what.
func (s state) explain() string {
	if s.cycle != nil {
		return "deadlock: " + describe(s.cycle)
	}
	var parts []string
	for _, w := range slices.Sorted(maps.Keys(s.waiting)) {
		parts = append(parts, fmt.Sprintf("%s waits for %s, held by %s", w, s.waiting[w], s.holder[s.waiting[w]]))
	}
	if len(parts) == 0 {
		return "nobody waits for a lock"
	}
	return "no cycle, but " + strings.Join(parts, "; ")
}

// firstCycle is the cycle the detector found, if it found one.
func (t *table) firstCycle() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.cycle)
}
