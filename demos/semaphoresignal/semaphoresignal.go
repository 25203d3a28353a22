// Package semaphoresignal is scenario S3a (the first part of S3): a
// semaphore that starts at 0 used as a signal from a producer to a
// consumer.
package semaphoresignal

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// produceTime is how long the cookbook's producer works on each item, in
// story seconds; maxItem is the largest item it can make.
const (
	produceTime = 10.0
	maxItem     = 1000
)

// Options are the scenario's knobs.
type Options struct {
	Rounds int // items the producer makes, 10 story-seconds each
}

// Metrics are what the scenario measured.
type Metrics struct {
	Rounds          int     `json:"rounds"`            // items the producer makes (--items)
	Produced        []int   `json:"produced"`          // the items, in the order made (random 0–1000, from --seed)
	Consumed        []int   `json:"consumed"`          // the items, in the order the consumer got them: equal to produced
	InOrder         bool    `json:"in_order"`          // every item reached the consumer in order, and only after the producer's release
	MeanWaitMs      float64 `json:"mean_wait_ms"`      // the consumer's mean wait per item (about 10 story-seconds)
	MeanWaitStory   float64 `json:"mean_wait_story"`   // mean_wait_ms in story-seconds, as measured (the verdict judges it against 10)
	OnPace          bool    `json:"on_pace"`           // the mean wait was about 10 story-seconds (within a quarter, 2ms at least): the machine kept the pace
	MaxValue        int     `json:"max_value"`         // the highest value the semaphore had right after a release (≤ 1: the consumer kept up)
	PlainExtraValue int     `json:"plain_extra_value"` // a plain semaphore of 1, acquired once and released twice: its value afterwards (2, accepted)
	BoundedError    string  `json:"bounded_error"`     // the error of the same extra release on a bounded semaphore
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "semaphore signal", ID: "S3a",
		Title:  "A semaphore that starts at 0 is a signal: the consumer waits for the producer's release",
		Python: "threading.Semaphore(0)", Go: "isync.Semaphore; in Go usually a channel hand-off",
		Explain: lesson,
		// The producer and consumer first, then the semaphore they share.
		Lesson: []string{"demos/semaphoresignal/semaphoresignal.go", "internal/sync/semaphore.go"},
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Rounds, "items", "items the producer makes, 10 story-seconds each", 5, 1, 20)
			k.Alias("rounds", "items") // the old spelling, for one release
		},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// handoff is what both sides saw, one slot per round. The producer writes
// slot i before its i-th Release and the consumer reads it after its i-th
// Acquire: the semaphore orders the two, so no other lock is needed.
type handoff struct {
	items              []int
	released, consumed []time.Duration // when the producer released, when the consumer had the item
	got                []int
	maxValue           int // the semaphore's value right after a release
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	rounds := o.Rounds
	h := &handoff{items: make([]int, rounds), released: make([]time.Duration, rounds),
		consumed: make([]time.Duration, rounds), got: make([]int, rounds)}
	// The items are drawn up front so that --seed replays them.
	for i := range h.items {
		h.items[i] = env.Rand.IntN(maxItem + 1)
	}

	env.Phase("a semaphore that starts at 0: the consumer's Acquire waits for the producer's Release")
	ready := isync.NewSemaphore(0)
	env.OnStall(func() string {
		return fmt.Sprintf("the semaphore's value is %d; the consumer waits in Acquire for a Release", ready.Value())
	})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() { errs <- consume(ctx, env, ready, h) })
	wg.Go(func() { errs <- produce(ctx, env, ready, h) })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil { // a side can only fail by being stopped
			return ev.Result{}, demos.Stopped(ctx)
		}
	}

	env.Phase("plain or bounded: what a release too many does")
	plainExtra, boundedErr := releaseTooMany(env)
	return conclude(env.Speed, h, plainExtra, boundedErr), nil
}

// consume is the cookbook's consumer: wait on the semaphore, then use the
// item the producer left.
func consume(ctx context.Context, env *demos.Env, ready *isync.Semaphore, h *handoff) error {
	for i := range h.items {
		env.Logf("consumer", ev.Wait, "waits on the semaphore (value %d)", ready.Value())
		if err := ready.Acquire(ctx); err != nil {
			return err
		}
		h.consumed[i] = env.Now()
		h.got[i] = h.items[i]
		env.Log("consumer", ev.Recv, fmt.Sprintf("woken: consumed item %d", h.got[i]), "item", h.got[i], "round", i+1)
	}
	env.Log("consumer", ev.Done, "consumed every item")
	return nil
}

// produce is the cookbook's producer: work for a while, leave an item,
// release the semaphore.
func produce(ctx context.Context, env *demos.Env, ready *isync.Semaphore, h *handoff) error {
	for i, item := range h.items {
		env.Logf("producer", ev.Step, "works on the next item for %g story-seconds", produceTime)
		if err := env.Sleep(ctx, produceTime); err != nil {
			return err
		}
		h.released[i] = env.Now()
		env.Log("producer", ev.Send, fmt.Sprintf("produced item %d; releases the semaphore", item), "item", item, "round", i+1)
		_ = ready.Release() // a plain semaphore: never an error
		h.maxValue = max(h.maxValue, ready.Value())
	}
	env.Log("producer", ev.Done, "made every item")
	return nil
}

// releaseTooMany releases a plain and a bounded semaphore once more than
// they were acquired: the plain one grows, the bounded one refuses.
func releaseTooMany(env *demos.Env) (plainValue int, boundedErr error) {
	plain := isync.NewSemaphore(1)
	plain.TryAcquire()
	_ = plain.Release()
	_ = plain.Release() // one too many: allowed
	env.Logf("main", ev.Warn, "plain semaphore of 1: acquired once, released twice — accepted, its value is now %d, more permits than it started with", plain.Value())

	bounded := isync.NewBoundedSemaphore(1)
	bounded.TryAcquire()
	_ = bounded.Release()
	err := bounded.Release() // one too many: refused
	env.Logf("main", ev.Warn, "bounded semaphore of 1: acquired once, released twice — the second release is refused: %v (value stays %d)", err, bounded.Value())
	return plain.Value(), err
}

func conclude(speed float64, h *handoff, plainExtra int, boundedErr error) ev.Result {
	rounds := len(h.items)
	inOrder := true
	var totalWait time.Duration
	tb := ev.Table{Title: "hand-offs", Header: []string{"round", "item", "released", "consumed", "consumer waited"}}
	var prev time.Duration
	for i := range h.items {
		wait := h.consumed[i] - prev
		prev = h.consumed[i]
		totalWait += wait
		if h.got[i] != h.items[i] || h.consumed[i] < h.released[i] {
			inOrder = false
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprint(i + 1), fmt.Sprint(h.items[i]), "+" + ev.Dur(h.released[i]), "+" + ev.Dur(h.consumed[i]), ev.Dur(wait)})
	}
	meanWait := totalWait / time.Duration(rounds)
	// The claim is a timing too: each item costs the consumer one
	// production, 10 story-seconds of waiting.
	pace := demos.NewPace(speed, produceTime, meanWait)
	errText := ""
	if boundedErr != nil {
		errText = boundedErr.Error()
	}
	res := ev.Result{
		Metrics: Metrics{Rounds: rounds, Produced: h.items, Consumed: h.got, InOrder: inOrder,
			MeanWaitMs: ev.Ms(meanWait), MeanWaitStory: math.Round(pace.StoryGot()*1000) / 1000, OnPace: pace.Kept() && !pace.Early(), MaxValue: h.maxValue, PlainExtraValue: plainExtra, BoundedError: errText},
		Tables: []ev.Table{tb},
		Timing: []ev.Timing{{Label: "consumer's mean wait per item", D: meanWait}},
	}
	switch {
	case !inOrder || boundedErr == nil || plainExtra != 2 || pace.Early():
		res.Verdict = fmt.Sprintf("the hand-off went wrong (in order: %v, plain value %d, bounded error %q, waited %s story-s per item for %g): please report it",
			inOrder, plainExtra, errText, ev.Float(pace.StoryGot()), produceTime)
	case !pace.Kept():
		res.Verdict = fmt.Sprintf("the consumer got all %d items in order, but each should cost it one production of %g story-s: ", rounds, produceTime) + pace.Behind()
		res.Hint = demos.PaceHint
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("the consumer got all %d items in order, each only after the producer's release (it waited %s story-s per item, the producer's %g); "+
			"the bounded semaphore refused the extra release", rounds, ev.Float(pace.StoryGot()), produceTime)
	}
	return res
}
