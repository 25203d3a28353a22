// Package prodcons is scenario Q2: producers and consumers around a
// bounded, joinable queue.
package prodcons

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed prodcons.go
var source embed.FS

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds.
const (
	makeTime    = 0.1
	consumeTime = 0.3
)

// New returns the scenario.
func New() demos.Demo {
	return demos.Demo{
		Name: "producer-consumer", ID: "Q2", Chapter: 3,
		Title:  "A bounded queue between producers and consumers, and join",
		Python: "queue.Queue (put, get, task_done, join)", Go: "isync.Queue; a buffered channel plus a WaitGroup",
		Params: []demos.Param{
			demos.Int("producers", "producer goroutines", 1, 1, 16),
			demos.Int("consumers", "consumer goroutines", 3, 1, 64),
			demos.Int("capacity", "how many products the queue holds", 10, 1, 1_000),
			demos.Int("items", "products made in all", 100, 1, 10_000),
		},
		Metrics: []string{"items", "produced", "consumed", "capacity", "max_depth", "per_consumer", "producer_waits"},
		Explain: lesson,
		Source:  source,
		Run:     run,
	}
}

// tally is what every goroutine reports back after the run.
type tally struct {
	mu        sync.Mutex
	taken     map[int]int    // product → how many times a consumer took it
	perWorker map[string]int // consumer → products taken
	produced  int
	waits     int // times a producer found the queue full
}

func run(ctx context.Context, env *demos.Env) (ev.Result, error) {
	nProd, nCons, items := env.Int("producers"), env.Int("consumers"), env.Int("items")
	q := isync.NewQueue[int](env.Int("capacity"))
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
			return ev.Result{}, err
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
	return conclude(t, q, items), nil
}

func produce(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, name string, first, step, items int) error {
	env.Log(name, ev.Start, "starts producing")
	made := 0
	for n := first; n <= items; n += step {
		if err := env.Sleep(ctx, makeTime); err != nil {
			return err
		}
		if err := q.TryPut(n); errors.Is(err, isync.ErrFull) {
			t.mu.Lock()
			t.waits++
			t.mu.Unlock()
			env.Logf(name, ev.Wait, "queue full (%d of %d): waits for room", q.Cap(), q.Cap())
			if err := q.Put(ctx, n); err != nil {
				return context.Cause(ctx)
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
		return context.Cause(ctx)
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

func conclude(t *tally, q *isync.Queue[int], items int) ev.Result {
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
	per := map[string]any{}
	tb := ev.Table{Title: "consumers", Header: []string{"consumer", "products", "share"}}
	for i := 1; ; i++ {
		name := fmt.Sprintf("consumer-%d", i)
		c, ok := t.perWorker[name]
		if !ok && i > len(t.perWorker) {
			break
		}
		per[name] = c
		tb.Rows = append(tb.Rows, []string{name, ev.Int(c), fmt.Sprintf("%.0f%%", 100*float64(c)/float64(max(consumed, 1)))})
	}
	res := ev.Result{
		Metrics: map[string]any{"items": items, "produced": t.produced, "consumed": consumed, "capacity": q.Cap(),
			"max_depth": q.HighWater(), "per_consumer": per, "producer_waits": t.waits},
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
