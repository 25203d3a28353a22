// Package producerconsumer is scenario Q2: a producer and its customers
// around a bounded, joinable queue.
package producerconsumer

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds: a product every 0.1, 0.3 spent
// on each product a customer takes. A customer wants 1 to maxWant
// products. patience is how long a customer waits at an empty queue
// before it leaves (the cookbook checks empty() and leaves at once; a
// get with a timeout does the same without the check-then-act race).
const (
	makeTime    = 0.1
	consumeTime = 0.3
	patience    = 0.5
	maxWant     = 4
	// logEvery: the producer reports every tenth product (and the last),
	// so a default run stays readable; every product is still counted.
	logEvery = 10
	// customerEvery: customers who come one after another report the same
	// way: the first three, every fifth, and every one who came too late
	// (pacing, issue 13: 40 customer lines were a flood); the customers
	// table counts them all.
	customerEvery = 5
)

// Options are the scenario's knobs.
type Options struct {
	Producers  int // producer goroutines
	Customers  int // customers who come one after another (the cookbook's shape)
	Concurrent int // 0: one customer at a time; N: N customers at once who stay until the end
	Capacity   int // how many products the queue holds
	Items      int // products made in all
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items         int            `json:"items"`          // products asked for (--items)
	Produced      int            `json:"produced"`       // products put on the queue (each exactly once when all is well)
	Consumed      int            `json:"consumed"`       // products taken off the queue (each exactly once when all is well)
	Capacity      int            `json:"capacity"`       // the queue's bound
	MaxDepth      int            `json:"max_depth"`      // the deepest the queue ever was (≤ capacity)
	PerConsumer   map[string]int `json:"per_consumer"`   // products taken by each customer who came: {"customer-1":3, …}
	ProducerWaits int            `json:"producer_waits"` // times a producer found the queue full and waited for room (back-pressure)
	HeldBackMs    float64        `json:"held_back_ms"`   // how long the producers waited for room in all
	Concurrent    int            `json:"concurrent"`     // customers at once (--concurrent); 0 = one after another, the cookbook's shape
	Customers     int            `json:"customers"`      // customers who came; with --concurrent, the ones working at once
	TooLate       []string       `json:"too_late"`       // customers who found the queue empty and left (waited 0.5 story-s in vain)
	NeverCame     int            `json:"never_came"`     // customers who did not come because every product was sold: they would have come too late too
	LeftOver      int            `json:"left_over"`      // products nobody took because the customers ran out (join would wait for ever)
	JoinReturned  bool           `json:"join_returned"`  // the producer's join returned: every product was marked done
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "producer-consumer", ID: "Q2",
		Title:  "A bounded queue between a producer and its customers: back-pressure, and join",
		Python: "queue.Queue (put, get, task_done, join)", Go: "isync.Queue; a buffered channel plus a WaitGroup",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Producers, "producers", "producer goroutines", 1, 1, 16)
			k.Int(&o.Customers, "customers", "customers who come one after another, each wanting 1–4 products", 100, 1, 1_000)
			k.Int(&o.Concurrent, "concurrent", "customers at once, who stay until every product is taken (0: one after another, as in the cookbook)", 0, 0, 64)
			k.Alias("consumers", "concurrent") // the old spelling, for one release
			k.Int(&o.Capacity, "capacity", "how many products the queue holds", 10, 1, 1_000)
			k.Int(&o.Items, "items", "products made in all", 100, 1, 1_000)
		},
		Check:   check,
		Explain: lesson,
		Lesson:  []string{"internal/sync/queue.go", "demos/producerconsumer/producerconsumer.go"},
		Run:     run,
		Quiz:    quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "lost or doubled", Class: demos.Forbidden, Desc: "a product was taken twice or never, or the queue passed its bound: a bug",
				When: func(o *Options, m Metrics) bool {
					return (m.LeftOver == 0 && m.Produced != m.Items) || m.Consumed+m.LeftOver != m.Items || m.MaxDepth > m.Capacity
				}},
			{Name: "join never returned", Class: demos.Forbidden, Desc: "every product was taken, yet join did not return: a bug",
				When: func(o *Options, m Metrics) bool { return m.LeftOver == 0 && !m.JoinReturned }},
			{Name: "customers ran out", Class: demos.Acceptable, Desc: "products were left over: too few customers (join would wait for ever)",
				When: func(o *Options, m Metrics) bool { return m.LeftOver > 0 }},
			{Name: "back-pressure", Class: demos.Interesting, Desc: "the queue filled and held the producer back",
				When: func(o *Options, m Metrics) bool { return m.ProducerWaits > 0 }},
			{Name: "never full", Class: demos.Acceptable, Desc: "the customers kept up: the queue never filled",
				When: func(o *Options, m Metrics) bool { return m.ProducerWaits == 0 }},
		},
	}.Demo()
}

func check(o *Options, k *demos.Knobs) error {
	if o.Concurrent > 0 && k.Changed("customers") {
		return errors.New("--customers counts customers who come one after another; with --concurrent N, N customers stay until the end")
	}
	return nil
}

// tally is what every goroutine reports back after the run.
type tally struct {
	mu       sync.Mutex
	taken    map[int]int    // product → how many times a customer took it
	per      map[string]int // customer → products taken
	produced int
	waits    int           // times a producer found the queue full
	heldBack time.Duration // time producers spent waiting for room
	told     bool          // the first wait for room has been explained
}

func (t *tally) takenTotal() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.taken {
		n += c
	}
	return n
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	q := isync.NewQueue[int](o.Capacity)
	t := &tally{taken: map[int]int{}, per: map[string]int{}}
	if o.Concurrent == 0 {
		env.Logf("main", ev.Note, "the producer makes %d products, one per %.1f story-s, into a queue of %d; customers come one after another, each wanting 1–%d and spending %.1f story-s on each",
			o.Items, makeTime, q.Cap(), maxWant, consumeTime)
		if o.Customers > 3 {
			env.Logf("main", ev.Note, "shown: customers 1–3, every %dth, the last, and any who come too late; the table counts all", customerEvery)
		}
	} else {
		env.Logf("main", ev.Note, "the producer makes %d products, one per %.1f story-s, into a queue of %d; %d customers at once each spend %.1f story-s per product",
			o.Items, makeTime, q.Cap(), o.Concurrent, consumeTime)
	}

	// The producers run until their join returns, or until main stops
	// them because nobody is left to take what they made.
	prodCtx, stopProducers := context.WithCancel(ctx)
	joined := make(chan bool, o.Producers) // true: join returned
	var producers sync.WaitGroup
	defer func() { stopProducers(); producers.Wait() }() // on every path, none outlives the run
	producersDone := make(chan struct{})
	for p := range o.Producers {
		name := "producer"
		if o.Producers > 1 {
			name = fmt.Sprintf("producer-%d", p+1)
		}
		// Producer p makes products p+1, p+1+n, ...: numbers stay unique.
		producers.Go(func() { joined <- produce(prodCtx, env, q, t, name, p+1, o.Producers, o.Items) == nil })
	}
	go func() { producers.Wait(); close(producersDone) }()

	r := &report{tally: t, items: o.Items, concurrent: o.Concurrent}
	var err error
	if o.Concurrent == 0 {
		err = oneByOne(ctx, env, q, t, r, o.Customers, o.Items)
	} else {
		err = together(ctx, env, q, t, r, o.Concurrent, producersDone)
	}
	if err != nil {
		return ev.Result{}, err
	}
	r.leftOver = o.Items - t.takenTotal()
	if r.leftOver > 0 {
		env.Logf("main", ev.Warn, "every customer has left, %d product(s) untaken: the producer's join would wait for ever; main stops it", r.leftOver)
		stopProducers()
	}
	<-producersDone
	close(joined)
	r.joinReturned = true
	for ok := range joined {
		r.joinReturned = r.joinReturned && ok
	}
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if t.waits > 0 {
		env.Logf("main", ev.Note, "the queue was full %d times: each time the producer waited for a customer to make room (back-pressure), %.1f story-s in all",
			t.waits, t.heldBack.Seconds()*env.Speed)
	}
	r.speed = env.Speed
	return r.conclude(q), nil
}

func produce(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, name string, first, step, items int) error {
	env.Log(name, ev.Start, "starts producing")
	made := 0
	// Every wait for room, [from, to] in ms on the run's clock: too many
	// to report one by one, they travel on the join event (ev.AttrWaited)
	// for the timeline view.
	var held [][2]float64
	for n := first; n <= items; n += step {
		if err := q.TryPut(n); errors.Is(err, isync.ErrFull) {
			// Full: wait for room in a blocking Put. No full() check before
			// a put, as the cookbook has: between the check and the put
			// another producer can fill the last slot.
			t.mu.Lock()
			t.waits++
			first := !t.told
			t.told = true
			t.mu.Unlock()
			if first {
				env.Log(name, ev.Wait, fmt.Sprintf("queue full (%d of %d): waits for room — from now on, each time it is full", q.Cap(), q.Cap()), ev.AttrOn, "room")
			}
			begin := env.Now()
			if err := q.Put(ctx, n); err != nil {
				return demos.Stopped(ctx)
			}
			end := env.Now()
			held = append(held, [2]float64{ev.Ms(begin), ev.Ms(end)})
			t.mu.Lock()
			t.heldBack += end - begin
			t.mu.Unlock()
			if first {
				env.Log(name, ev.Wake, "room again: a customer took a product")
			}
		}
		made++
		t.mu.Lock()
		t.produced++
		t.mu.Unlock()
		switch {
		case n+step > items:
			env.Log(name, ev.Send, fmt.Sprintf("made product #%d (the last)", n), "product", n)
		case made%logEvery == 0 || made == 1:
			env.Log(name, ev.Send, fmt.Sprintf("made product #%d", n), "product", n)
		}
		if env.Sleep(ctx, makeTime) != nil {
			return demos.Stopped(ctx)
		}
	}
	env.Log(name, ev.Wait, fmt.Sprintf("made %d; join: waits until every product is marked done", made), ev.AttrOn, "join", ev.AttrWaited, held)
	if err := q.Join(ctx); err != nil {
		return demos.Stopped(ctx)
	}
	env.Log(name, ev.Done, "join returned: every product was taken and handled")
	return nil
}

// report is what conclude needs besides the tally.
type report struct {
	*tally
	items, concurrent int
	customers         int
	tooLate           []string
	neverCame         int
	wants             []int // each customer's want (one-by-one only)
	served            []int // what each got
	leftOver          int
	joinReturned      bool
	speed             float64
}

// oneByOne is the cookbook's shape: a customer is started and joined
// before the next comes. Once every product is taken the rest would only
// come too late, so they are counted, not run.
func oneByOne(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, r *report, customers, items int) error {
	for i := range customers {
		if t.takenTotal() == items {
			r.neverCame = customers - i
			env.Logf("main", ev.Note, "sold out: the other %d customer(s) would come too late", r.neverCame)
			break
		}
		name := fmt.Sprintf("customer-%d", i+1)
		want := 1 + env.Rand.IntN(maxWant)
		var took []int
		var late bool
		done := make(chan struct{})
		go func() { // start, then join: one customer at a time
			defer close(done)
			took, late = customer(ctx, env, q, t, name, want, func() bool {
				return i < 3 || (i+1)%customerEvery == 0 || t.takenTotal() == items // the last one too
			})
		}()
		<-done
		r.customers++
		r.wants, r.served = append(r.wants, want), append(r.served, len(took))
		if late {
			r.tooLate = append(r.tooLate, name)
		}
		if ctx.Err() != nil {
			return demos.Stopped(ctx)
		}
	}
	return nil
}

// customer takes up to want products, one at a time, spending
// consumeTime on each; it leaves when it finds the queue empty for
// patience story-seconds. It reports what it took when show says so, and
// always when it came too late.
func customer(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, name string, want int, show func() bool) (took []int, late bool) {
	for len(took) < want {
		n, err := q.GetTimeout(env.Story(patience))
		if err != nil { // ErrEmpty: nothing came while it waited
			late = true
			break
		}
		took = append(took, n)
		t.mu.Lock()
		t.taken[n]++
		t.per[name]++
		t.mu.Unlock()
		// The product is used even if the run is being stopped: a product
		// that was taken must be marked done, or join would wait for ever.
		err = env.Sleep(ctx, consumeTime)
		_ = q.TaskDone()
		if err != nil {
			break
		}
	}
	t.mu.Lock()
	if _, ok := t.per[name]; !ok {
		t.per[name] = 0
	}
	t.mu.Unlock()
	nums := make([]string, len(took))
	for i, n := range took {
		nums[i] = fmt.Sprintf("#%d", n)
	}
	switch {
	case len(took) == 0:
		env.Log(name, ev.Warn, fmt.Sprintf("wants %d: found the queue empty and came too late", want), ev.AttrEnd, true)
	case late:
		env.Log(name, ev.Warn, fmt.Sprintf("wants %d, took %s, then found the queue empty: came too late for the rest", want, strings.Join(nums, ", ")), ev.AttrEnd, true)
	case show():
		env.Log(name, ev.Recv, fmt.Sprintf("wants %d, took %s", want, strings.Join(nums, ", ")), ev.AttrEnd, true) // said on leaving
	}
	return took, late
}

// together is the fast case: n customers at once, each taking products
// until main sends them home after the producers' join returned.
func together(ctx context.Context, env *demos.Env, q *isync.Queue[int], t *tally, r *report, n int, producersDone <-chan struct{}) error {
	custCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := range n {
		name := fmt.Sprintf("customer-%d", i+1)
		t.mu.Lock()
		t.per[name] = 0
		t.mu.Unlock()
		wg.Go(func() {
			took := 0
			for {
				p, err := q.Get(custCtx)
				if err != nil {
					env.Logf(name, ev.Done, "goes home after %d products", took)
					return
				}
				took++
				t.mu.Lock()
				t.taken[p]++
				t.per[name]++
				t.mu.Unlock()
				_ = env.Sleep(custCtx, consumeTime)
				_ = q.TaskDone()
			}
		})
	}
	// Wait until the producers' join has returned (every product taken
	// and done), then send the customers home.
	select {
	case <-producersDone:
	case <-ctx.Done():
	}
	stop()
	wg.Wait()
	r.customers = n
	if ctx.Err() != nil {
		return demos.Stopped(ctx)
	}
	return nil
}

func (r *report) conclude(q *isync.Queue[int]) ev.Result {
	consumed, dupes, missing := 0, 0, 0
	for n := 1; n <= r.items; n++ {
		switch c := r.taken[n]; {
		case c == 0:
			missing++
		case c > 1:
			dupes++
		}
		consumed += r.taken[n]
	}
	m := Metrics{Items: r.items, Produced: r.produced, Consumed: consumed, Capacity: q.Cap(),
		MaxDepth: q.HighWater(), PerConsumer: r.per, ProducerWaits: r.waits, HeldBackMs: ev.Ms(r.heldBack),
		Concurrent: r.concurrent, Customers: r.customers, TooLate: r.tooLate, NeverCame: r.neverCame,
		LeftOver: r.leftOver, JoinReturned: r.joinReturned}
	if m.TooLate == nil {
		m.TooLate = []string{}
	}
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: "the producer held back by a full queue", D: r.heldBack}}}
	if r.concurrent == 0 {
		res.Tables = []ev.Table{r.wantTable()}
	}
	res.Verdict = fmt.Sprintf("%d made, %d consumed", r.produced, consumed)
	heldBack := fmt.Sprintf("%.1f story-s", r.heldBack.Seconds()*r.speed)
	switch {
	case dupes > 0 || (missing > r.leftOver) || (r.leftOver == 0 && (r.produced != r.items || !r.joinReturned)) || q.HighWater() > q.Cap():
		res.Verdict += fmt.Sprintf(" — %d taken twice, %d never taken, queue peaked at %d of %d, join returned: %v: that is a bug, please report it",
			dupes, missing, q.HighWater(), q.Cap(), r.joinReturned)
	case r.leftOver > 0:
		res.Verdict += fmt.Sprintf(": the %d customers wanted fewer than %d products, so %d were left and join would have waited for ever", r.customers, r.items, r.leftOver)
		res.Hint = "--customers 100 (or more): enough customers to take every product"
	case r.concurrent > 0:
		res.Observed = true
		res.Verdict += fmt.Sprintf(", each exactly once; %d customers at once: the queue peaked at %d of %d", r.concurrent, q.HighWater(), q.Cap())
		if r.waits > 0 {
			res.Verdict += fmt.Sprintf(" and held the producer back %d times (%s)", r.waits, heldBack)
		}
		res.Verdict += "; join returned after the last task_done"
	case r.waits == 0:
		res.Verdict += fmt.Sprintf(", each exactly once, but the queue peaked at %d of %d: it never filled, so the producer was never held back", q.HighWater(), q.Cap())
		res.Hint = "a lower --speed (the machine could not keep the pace), or a smaller --capacity"
	default:
		res.Observed = true
		res.Verdict += fmt.Sprintf(", each exactly once; one customer at a time could not keep up, so the queue filled to %d of %d and held the producer back %d times (%s in all); %d customers came",
			q.HighWater(), q.Cap(), r.waits, heldBack, r.customers)
		if len(r.tooLate) > 0 {
			res.Verdict += fmt.Sprintf(", %d came too late", len(r.tooLate))
		}
		if r.neverCame > 0 {
			res.Verdict += fmt.Sprintf(", %d more would have found it sold out", r.neverCame)
		}
		res.Verdict += "; join returned after the last task_done"
	}
	return res
}

// wantTable summarises the one-by-one customers by what they wanted.
func (r *report) wantTable() ev.Table {
	tb := ev.Table{Title: "customers", Header: []string{"wanted", "customers", "got all", "came too late"}}
	late := map[int]int{}
	for _, name := range r.tooLate {
		var i int
		fmt.Sscanf(name, "customer-%d", &i)
		if i >= 1 && i <= len(r.wants) {
			late[r.wants[i-1]]++
		}
	}
	for w := 1; w <= maxWant; w++ {
		n, full := 0, 0
		for i, x := range r.wants {
			if x == w {
				n++
				if r.served[i] == w {
					full++
				}
			}
		}
		if n > 0 {
			tb.Rows = append(tb.Rows, []string{fmt.Sprint(w), fmt.Sprint(n), fmt.Sprint(full), fmt.Sprint(late[w])})
		}
	}
	return tb
}
