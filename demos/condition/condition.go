// Package condition is scenario S5: a producer and consumers share a
// bounded list guarded by a condition variable (sync.Cond).
package condition

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

//go:embed lesson.md
var lesson string

// The pacing, in story seconds. Consumers start half a second after the
// producer, so a take and a put are never due at the same instant and a
// run replays step for step.
const (
	produceEvery  = 1.0
	consumeEvery  = 2.0
	consumerStart = 0.5
)

// Options are the scenario's knobs.
type Options struct {
	Items     int // items the producer adds, one per story-second
	Capacity  int // how many items the list may hold
	Consumers int // consumers, each taking one item per 2 story-seconds
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items            int     `json:"items"`              // items the producer adds (--items), one per story-second
	Produced         int     `json:"produced"`           // items added to the list (equals items when all is well)
	Consumed         int     `json:"consumed"`           // items taken off the list (equals items when all is well)
	Capacity         int     `json:"capacity"`           // the most items the list may hold (--capacity)
	Consumers        int     `json:"consumers"`          // consumer goroutines (--consumers), each taking one item per 2 story-seconds
	MaxLen           int     `json:"max_len"`            // the longest the list ever was (never above capacity)
	ProducerWaits    int     `json:"producer_waits"`     // times the producer found the list full, said it stops, and waited in Cond.Wait
	ConsumerWaits    int     `json:"consumer_waits"`     // times a consumer found the list empty and waited
	Rewaits          int     `json:"rewaits"`            // wake-ups after which the re-checked condition was still false, so the goroutine waited again: why a wait sits in a for loop
	ProducerWaitedMs float64 `json:"producer_waited_ms"` // total time the producer spent waiting for room
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "condition", ID: "S5",
		Title:  "A condition variable: wait until the list has room, or has an item",
		Python: "threading.Condition (wait, notify_all)", Go: "sync.Cond (Wait, Broadcast) with its mutex; usually a buffered channel",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Items, "items", "items the producer adds, one per story-second", 20, 1, 50)
			k.Int(&o.Capacity, "capacity", "how many items the list may hold", 10, 1, 50)
			k.Int(&o.Consumers, "consumers", "consumers, each taking one item per 2 story-seconds", 1, 1, 8)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/condition/condition.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// shelf is the shared list and everything the verdict needs about it.
// Every field is guarded by mu, which is also the Cond's lock: a goroutine
// checks the condition and goes to sleep in one step, so it cannot miss
// the wake-up that comes between the two.
type shelf struct {
	mu       sync.Mutex
	cond     *sync.Cond
	list     []int
	capacity int
	items    int // how many the producer will add in all

	produced, consumed int
	maxLen             int
	lastTaker          string // who took the latest item, to say who woke the producer
	producerWaits      int    // times the producer found the list full
	consumerWaits      int    // times a consumer found the list empty
	rewaits            int    // wake-ups after which the condition was still false
	producerWaited     time.Duration
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	s := &shelf{capacity: o.Capacity, items: o.Items}
	s.cond = sync.NewCond(&s.mu)
	nCons := o.Consumers
	env.Logf("main", ev.Note, "the producer adds an item every %g story-second to a list of at most %d; %d consumer(s) each take one every %g story-seconds",
		produceEvery, s.capacity, nCons, consumeEvery)

	// sync.Cond.Wait cannot watch a context. When ctx ends, wake every
	// waiter; each one's loop checks ctx and leaves.
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()

	errs := make(chan error, nCons+1)
	var wg sync.WaitGroup
	wg.Go(func() { errs <- produce(ctx, env, s) })
	for i := range nCons {
		name := "consumer"
		if nCons > 1 {
			name = fmt.Sprintf("consumer-%d", i+1)
		}
		wg.Go(func() { errs <- consume(ctx, env, s, name) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return ev.Result{}, err
		}
	}
	return conclude(s, nCons), nil
}

// waitUntil blocks until ready() holds. The caller holds s.mu.
//
// The condition is re-checked in a for loop after every wake-up, never
// assumed: Broadcast wakes every waiter but only one gets the item; another
// goroutine may get the lock first and change the list; and Wait may
// return for no reason at all (a spurious wake-up, allowed by condition
// variables in most languages). An `if` would act on a stale answer.
func (s *shelf) waitUntil(ctx context.Context, env *demos.Env, actor string, ready func() bool, why string) (waited bool, err error) {
	for !ready() {
		if ctx.Err() != nil {
			return waited, demos.Stopped(ctx)
		}
		if waited {
			s.rewaits++
			env.Logf(actor, ev.Wait, "woken, but %s again: waits again", why)
		}
		waited = true
		s.cond.Wait() // unlocks s.mu while asleep, locks it again before returning
	}
	return waited, nil
}

func produce(ctx context.Context, env *demos.Env, s *shelf) error {
	env.Log("producer", ev.Start, "starts adding items")
	for n := 1; n <= s.items; n++ {
		if err := env.SleepUntil(ctx, float64(n)*produceEvery); err != nil {
			return err
		}
		s.mu.Lock()
		room := func() bool { return len(s.list) < s.capacity }
		if !room() {
			s.producerWaits++
			env.Logf("producer", ev.Wait, "the list is full (%d of %d): stops and waits", len(s.list), s.capacity)
		}
		start := env.Now()
		waited, err := s.waitUntil(ctx, env, "producer", room, "the list is full")
		if err != nil {
			s.mu.Unlock()
			return err
		}
		if waited {
			s.producerWaited += env.Now() - start
			env.Logf("producer", ev.Wake, "woken: %s took an item, so there is room (%d of %d)", s.lastTaker, len(s.list), s.capacity)
		}
		s.list = append(s.list, n)
		s.produced++
		s.maxLen = max(s.maxLen, len(s.list))
		env.Log("producer", ev.Send, fmt.Sprintf("adds item %d (%d of %d)", n, len(s.list), s.capacity), "item", n, "len", len(s.list))
		// One Cond serves two conditions (room and items), so Broadcast:
		// Signal could wake only another producer-side waiter, and the
		// goroutine that can act would sleep on.
		s.cond.Broadcast()
		s.mu.Unlock()
	}
	env.Logf("producer", ev.Done, "added all %d items", s.items)
	return nil
}

func consume(ctx context.Context, env *demos.Env, s *shelf, name string) error {
	env.Log(name, ev.Start, "starts taking items")
	took := 0
	if err := env.Sleep(ctx, consumerStart); err != nil {
		return err
	}
	for {
		if err := env.Sleep(ctx, consumeEvery); err != nil {
			return err
		}
		s.mu.Lock()
		// Ready when there is an item, or when every item is already taken
		// (then there is nothing left to wait for).
		ready := func() bool { return len(s.list) > 0 || s.consumed == s.items }
		if !ready() {
			s.consumerWaits++
			env.Log(name, ev.Wait, "the list is empty: waits")
		}
		waited, err := s.waitUntil(ctx, env, name, ready, "the list is empty")
		if err != nil {
			s.mu.Unlock()
			return err
		}
		if s.consumed == s.items {
			s.mu.Unlock()
			env.Logf(name, ev.Done, "every item is taken; took %d", took)
			return nil
		}
		if waited {
			env.Log(name, ev.Wake, "woken: an item arrived")
		}
		item := s.list[0]
		s.list = s.list[1:]
		s.consumed++
		took++
		s.lastTaker = name
		env.Log(name, ev.Recv, fmt.Sprintf("takes item %d (%d of %d)", item, len(s.list), s.capacity), "item", item, "len", len(s.list))
		s.cond.Broadcast() // wakes the producer if it waits for room
		last := s.consumed == s.items
		s.mu.Unlock()
		if last {
			env.Logf(name, ev.Done, "took the last item; took %d", took)
			return nil
		}
	}
}

func conclude(s *shelf, nCons int) ev.Result {
	res := ev.Result{
		Metrics: Metrics{Items: s.items, Produced: s.produced, Consumed: s.consumed, Capacity: s.capacity,
			Consumers: nCons, MaxLen: s.maxLen, ProducerWaits: s.producerWaits, ConsumerWaits: s.consumerWaits,
			Rewaits: s.rewaits, ProducerWaitedMs: ev.Ms(s.producerWaited)},
		Timing: []ev.Timing{{Label: "producer waited for room", D: s.producerWaited}},
	}
	res.Verdict = fmt.Sprintf("%d produced, %d consumed; the list peaked at %d of %d", s.produced, s.consumed, s.maxLen, s.capacity)
	if s.produced != s.items || s.consumed != s.items || s.maxLen > s.capacity || len(s.list) != 0 {
		res.Verdict += " — items lost or the capacity exceeded: that is a bug, please report it"
		return res
	}
	if s.producerWaits > 0 {
		res.Verdict += fmt.Sprintf("; the producer found it full %d time(s), waited, and was woken each time by a consumer's removal", s.producerWaits)
	} else {
		res.Verdict += "; it never filled, so the producer never waited"
	}
	if s.consumerWaits > 0 {
		res.Verdict += fmt.Sprintf("; consumers found it empty %d time(s) and waited for the producer", s.consumerWaits)
	}
	if s.rewaits > 0 {
		res.Verdict += fmt.Sprintf("; %d wake-up(s) found the condition false again and went back to waiting — why Wait sits in a for loop", s.rewaits)
	}
	res.Observed = s.producerWaits > 0 || s.rewaits > 0
	if !res.Observed {
		res.Hint = "--consumers 1 --capacity 3 (the producer outruns the consumer and waits for room) or --consumers 4 (consumers compete for each item)"
	}
	return res
}
