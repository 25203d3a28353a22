// Package event is scenario S6: a producer announces each new item with an
// event pulse (set, then clear at once), and a consumer waits on the event.
package event

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// produceEvery is the producer's pace in story seconds, as in the cookbook.
const produceEvery = 2.0

// Options are the scenario's knobs.
type Options struct {
	Items int // items the producer appends, one per 2 story-seconds
	Work  int // story-seconds the consumer spends on each item it pops
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items        int `json:"items"`         // items the producer appends (--items), one per 2 story-seconds, each followed by a pulse (set, then clear)
	Produced     int `json:"produced"`      // items actually appended (equals items when the run ends normally)
	Consumed     int `json:"consumed"`      // items the consumer popped: one per caught pulse
	Pulses       int `json:"pulses"`        // set-then-clear pulses fired: one per item
	CaughtPulses int `json:"caught_pulses"` // pulses that woke the consumer because it was already inside Wait
	MissedPulses int `json:"missed_pulses"` // pulses that woke nobody because the consumer was busy: pulses − caught_pulses
	LeftOver     int `json:"left_over"`     // items still in the list at the end: produced − consumed
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "event", ID: "S6",
		Title:  "An event pulsed with set-then-clear reaches only those already waiting",
		Python: "threading.Event (set, clear, wait)", Go: "isync.Event; a channel of items, or a closed channel for a one-shot signal",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Items, "items", "items the producer appends, one per 2 story-seconds", 10, 1, 30)
			k.Int(&o.Work, "work", "story-seconds the consumer spends on each item it pops", 3, 1, 10)
		},
		Explain:  lesson,
		Lesson:   []string{"internal/sync/event.go", "demos/event/event.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// board is the shared list plus the pulse counter, both guarded by mu.
type board struct {
	mu     sync.Mutex
	list   []int
	pulses int // pulses fired so far; pulse k announces the k-th item
}

// pulse is what the verdict knows about one set-then-clear.
type pulse struct {
	at     time.Duration
	item   int
	caught bool // the consumer's Wait returned because of it
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	n, work := o.Items, o.Work
	b := &board{}
	evt := isync.NewEvent()
	env.Logf("main", ev.Note, "the producer appends an item every %g story-seconds and pulses the event: set, then clear at once; the consumer waits on the event, pops an item and works on it for %d story-seconds",
		produceEvery, work)

	// The consumer waits on the event until the producer is finished; then
	// stopWaiting makes its next Wait give up. Its work uses ctx, so it
	// finishes the item in hand first.
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	c := &consumer{}
	var wg sync.WaitGroup
	wg.Go(func() { c.run(ctx, waitCtx, env, b, evt, float64(work)) })

	// The producer runs in Run's own goroutine, so it may draw from env.Rand.
	pulses := make([]pulse, 0, n)
	for i := 1; i <= n; i++ {
		if err := env.SleepUntil(ctx, float64(i)*produceEvery); err != nil {
			break
		}
		item := env.Rand.IntN(1000)
		b.mu.Lock()
		b.list = append(b.list, item)
		b.pulses++
		k, length := b.pulses, len(b.list)
		b.mu.Unlock()
		pulses = append(pulses, pulse{at: env.Now(), item: item})
		// Announce first: once the event is set, the consumer may already
		// be reporting what it saw.
		env.Log("producer", ev.Send, fmt.Sprintf("appends %d (list: %d), pulse #%d: set, clear", item, length, k),
			"item", item, "pulse", k, "len", length)
		evt.Set()
		evt.Clear() // at once: only a goroutine already inside Wait is woken
	}
	if ctx.Err() == nil {
		env.Log("producer", ev.Done, fmt.Sprintf("appended %d items; no more pulses will come", n))
	}
	stopWaiting()
	wg.Wait()
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	for _, k := range c.caught {
		pulses[k-1].caught = true
	}
	return conclude(o, b, c, pulses), nil
}

// consumer is the waiting side; its fields are read after it has ended.
type consumer struct {
	caught   []int // the pulse numbers that woke it
	consumed int
}

func (c *consumer) run(ctx, waitCtx context.Context, env *demos.Env, b *board, evt *isync.Event, work float64) {
	seen := 0 // the last pulse it knows about
	for waitCtx.Err() == nil {
		b.mu.Lock()
		length := len(b.list)
		b.mu.Unlock()
		env.Log("consumer", ev.Wait, fmt.Sprintf("waits for the event (list: %d)", length), "len", length)
		if err := evt.Wait(waitCtx); err != nil {
			break
		}
		b.mu.Lock()
		k := b.pulses
		if k == seen {
			// Back in Wait so fast that the pulse it already handled had
			// not been cleared yet (only at extreme --speed): not a new one.
			b.mu.Unlock()
			continue
		}
		item := b.list[len(b.list)-1] // pop() takes the newest, like Python's list.pop()
		b.list = b.list[:len(b.list)-1]
		length = len(b.list)
		b.mu.Unlock()
		msg := fmt.Sprintf("woken by pulse #%d", k)
		if missed := k - seen - 1; missed > 0 {
			msg += fmt.Sprintf("; missed %d pulse(s) while busy", missed)
		}
		env.Log("consumer", ev.Wake, msg, "pulse", k)
		c.caught = append(c.caught, k)
		seen = k
		c.consumed++
		env.Log("consumer", ev.Recv, fmt.Sprintf("pops %d (list: %d), works on it", item, length), "item", item, "len", length)
		if env.Sleep(ctx, work) != nil {
			return
		}
	}
	b.mu.Lock()
	left := len(b.list)
	b.mu.Unlock()
	env.Log("consumer", ev.Done, fmt.Sprintf("stops: the producer is finished, %d item(s) were never popped", left))
}

func conclude(o *Options, b *board, c *consumer, pulses []pulse) ev.Result {
	missed := 0
	tb := ev.Table{Title: "pulses", Header: []string{"pulse", "at", "item", "consumer"}}
	for i, p := range pulses {
		seen := "woken"
		if !p.caught {
			missed++
			seen = "missed: not waiting"
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("#%d", i+1), "+" + ev.Dur(p.at), fmt.Sprint(p.item), seen})
	}
	left := len(b.list) // the consumer has ended: nobody else touches the list
	res := ev.Result{
		Metrics: Metrics{Items: o.Items, Produced: len(pulses), Consumed: c.consumed, Pulses: len(pulses),
			CaughtPulses: len(c.caught), MissedPulses: missed, LeftOver: left},
		Tables: []ev.Table{tb},
	}
	res.Verdict = fmt.Sprintf("%d pulses: the consumer was woken by %d and missed %d; %d items consumed, %d left in the list",
		len(pulses), len(c.caught), missed, c.consumed, left)
	switch {
	case len(pulses) != c.consumed+left || len(c.caught) != c.consumed || !slices.IsSorted(c.caught):
		res.Verdict += " — the counts do not add up: that is a bug, please report it"
	case missed == 0:
		res.Verdict += ": the consumer was back in Wait before every pulse this run, so none was lost"
		res.Hint = "--work 3: a consumer busy for longer than the 2 story-seconds between pulses misses some"
		if o.Work > 2 {
			res.Hint = "a lower --speed: at this speed the machine could not keep the pulses on schedule"
		}
	default:
		res.Observed = true
		res.Verdict += ": a set-then-clear pulse only wakes a goroutine already waiting; the consumer was busy at the missed ones, and nothing remembered them"
	}
	return res
}
