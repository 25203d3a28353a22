package producerconsumer

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo producer-consumer --quiz`:
// how deep the queue gets, read from its high-water mark, so --concurrent
// and --capacity change the answer.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		who := fmt.Sprintf("one customer at a time takes one per %.1f story-s", consumeTime)
		if o.Concurrent > 0 {
			who = fmt.Sprintf("%d customers at once each take one per %.1f story-s", o.Concurrent, consumeTime)
		}
		return fmt.Sprintf("A producer puts a product every %.1f story-s into a queue of %d; %s. How deep does the queue get?",
			makeTime, o.Capacity, who)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"1 or 2 at most: products go as they are made",
			"part full, but never full",
			fmt.Sprintf("full, %d of %d: the producer is held back", o.Capacity, o.Capacity),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("peaked at %d of %d; the producer waited for room %d times", m.MaxDepth, m.Capacity, m.ProducerWaits)
		switch {
		case m.MaxDepth >= m.Capacity:
			return 2, measured
		case m.MaxDepth <= 2:
			return 0, measured
		default:
			return 1, measured
		}
	},
	Why: "a queue fills only when its consumers take less per second than its producer puts; one customer at a time takes a third of that pace",
}}
