// Package producerconsumer is scenario Q2: producers and consumers around a
// bounded, joinable queue.
package producerconsumer

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds.
const (
	makeTime    = 0.1
	consumeTime = 0.3
)

// Options are the scenario's knobs.
type Options struct {
	Producers int // producer goroutines
	Consumers int // consumer goroutines
	Capacity  int // how many products the queue holds
	Items     int // products made in all
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items         int            `json:"items"`          // products asked for (--items)
	Produced      int            `json:"produced"`       // products put on the queue (each exactly once when all is well)
	Consumed      int            `json:"consumed"`       // products taken off the queue (each exactly once when all is well)
	Capacity      int            `json:"capacity"`       // the queue's bound
	MaxDepth      int            `json:"max_depth"`      // the deepest the queue ever was (≤ capacity)
	PerConsumer   map[string]int `json:"per_consumer"`   // products taken by each consumer: {"consumer-1":34, …}
	ProducerWaits int            `json:"producer_waits"` // times a producer found the queue full and waited for room
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "producer-consumer", ID: "Q2",
		Title:  "A bounded queue between producers and consumers, and join",
		Python: "queue.Queue (put, get, task_done, join)", Go: "isync.Queue; a buffered channel plus a WaitGroup",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Producers, "producers", "producer goroutines", 1, 1, 16)
			k.Int(&o.Consumers, "consumers", "consumer goroutines", 3, 1, 64)
			k.Int(&o.Capacity, "capacity", "how many products the queue holds", 10, 1, 1_000)
			k.Int(&o.Items, "items", "products made in all", 100, 1, 10_000)
		},
		Explain: lesson,
		Lesson:  []string{"internal/sync/queue.go", "demos/producerconsumer/producerconsumer.go"},
		Run:     run,
	}.Demo()
}

// tally is what every goroutine reports back after the run.
type tally struct {
	mu        sync.Mutex
	taken     map[int]int    // product → how many times a consumer took it
	perWorker map[string]int // consumer → products taken
	produced  int
	waits     int // times a producer found the queue full
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	nProd, nCons, items := o.Producers, o.Consumers, o.Items
	q := isync.NewQueue[int](o.Capacity)
	t := &tally{taken: map[int]int{}, perWorker: map[string]int{}}
	env.Logf("main", ev.Note, "%d producer(s) make %d products, one per %.1f story-s each; %d consumer(s) spend %.1f story-s on each; the queue holds %d",
		nProd, items, makeTime, nCons, consumeTime, q.Cap())

	// Consumers run until told to stop, like the cookbook's daemon threads;
	// main stops them once join has said every product was handled.
	consCtx, stopConsumers := context.WithCancel(ctx)
	var consumers sync.WaitGroup
	defer func() { stopConsumers(); consumers.Wait() }() // on every path, none outlives the run
	for i := range nCons {
		name := fmt.Sprintf("consumer-%d", i+1)
		consumers.Go(func() { consume(consCtx, env, q, t, name) })
	}

	errs := make(chan error, nProd)
	var producers sync.WaitGroup
	for p := range nProd {
		name := "producer"
		if nProd > 1 {
			name = fmt.Sprintf("producer-%d", p+1)
		}
		// Producer p makes products p+1, p+1+nProd, ...: numbers stay unique.
		producers.Go(func() { errs <- produce(ctx, env, q, t, name, p+1, nProd, items) })
	}
	producers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return ev.Result{}, err // a producer was stopped: demos.Stopped
		}
	}
	stopConsumers()
	consumers.Wait() // every consumer has reported its count before conclude reads them
	if t.waits == 0 {
		env.Logf("main", ev.Note, "the consumers kept up, so the queue never filled (deepest: %d of %d); --consumers 1 makes them the bottleneck and shows back-pressure",
			q.HighWater(), q.Cap())
	} else {
		env.Logf("main", ev.Note, "the queue filled up %d times: each time the producer waited for a consumer to make room (back-pressure)", t.waits)
	}
	return conclude(t, q, items, nCons), nil
}

func produce(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, name string, first, step, items int) error {
	env.Log(name, ev.Start, "starts producing")
	made := 0
	for n := first; n <= items; n += step {
		if env.Sleep(ctx, makeTime) != nil {
			return demos.Stopped(ctx)
		}
		if err := q.TryPut(n); errors.Is(err, isync.ErrFull) {
			t.mu.Lock()
			t.waits++
			t.mu.Unlock()
			env.Logf(name, ev.Wait, "queue full (%d of %d): waits for room", q.Cap(), q.Cap())
			if err := q.Put(ctx, n); err != nil {
				return demos.Stopped(ctx)
			}
			env.Log(name, ev.Wake, "room again")
		}
		made++
		env.Log(name, ev.Send, fmt.Sprintf("made product #%d (queue depth %d)", n, q.Len()), "product", n, "depth", q.Len())
	}
	t.mu.Lock()
	t.produced += made
	t.mu.Unlock()
	env.Log(name, ev.Wait, fmt.Sprintf("made %d; join: waits until every product is marked done", made))
	if err := q.Join(ctx); err != nil {
		return demos.Stopped(ctx)
	}
	env.Log(name, ev.Done, "join returned: every product was taken and handled")
	return nil
}

func consume(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, name string) {
	env.Log(name, ev.Start, "waits for products")
	took := 0
	defer func() { env.Logf(name, ev.Done, "stops after %d products", took) }()
	for {
		n, err := q.Get(ctx)
		if err != nil {
			return
		}
		env.Log(name, ev.Recv, fmt.Sprintf("took product #%d", n), "product", n)
		t.mu.Lock()
		t.taken[n]++
		t.perWorker[name]++
		t.mu.Unlock()
		took++
		// The work is done even if we are told to stop meanwhile: a product
		// that was taken must be marked done, or join would wait forever.
		_ = env.Sleep(ctx, consumeTime)
		if err := q.TaskDone(); err != nil {
			env.Log(name, ev.Warn, err.Error())
		}
	}
}

func conclude(t *tally, q *isync.Queue[int], items, consumers int) ev.Result {
	consumed, dupes, missing := 0, 0, 0
	for n := 1; n <= items; n++ {
		switch c := t.taken[n]; {
		case c == 0:
			missing++
		case c > 1:
			dupes++
		}
		consumed += t.taken[n]
	}
	// Every consumer has a row, the ones that took nothing too.
	per := map[string]int{}
	tb := ev.Table{Title: "consumers", Header: []string{"consumer", "products", "share"}}
	for i := 1; i <= consumers; i++ {
		name := fmt.Sprintf("consumer-%d", i)
		c := t.perWorker[name]
		per[name] = c
		tb.Rows = append(tb.Rows, []string{name, ev.Int(c), fmt.Sprintf("%.0f%%", 100*float64(c)/float64(max(consumed, 1)))})
	}
	res := ev.Result{
		Metrics: Metrics{Items: items, Produced: t.produced, Consumed: consumed, Capacity: q.Cap(),
			MaxDepth: q.HighWater(), PerConsumer: per, ProducerWaits: t.waits},
		Tables: []ev.Table{tb},
	}
	res.Verdict = fmt.Sprintf("%d made, %d consumed", t.produced, consumed)
	switch {
	case dupes > 0 || missing > 0 || t.produced != items || q.HighWater() > q.Cap():
		res.Verdict += fmt.Sprintf(" — %d taken twice, %d never taken, queue peaked at %d of %d: that is a bug, please report it", dupes, missing, q.HighWater(), q.Cap())
	default:
		res.Observed = true
		res.Verdict += fmt.Sprintf(", each exactly once; the queue peaked at %d of %d", q.HighWater(), q.Cap())
		if t.waits > 0 {
			res.Verdict += fmt.Sprintf(" and made the producers wait %d times", t.waits)
		}
		res.Verdict += "; join returned after the last task_done"
	}
	return res
}
