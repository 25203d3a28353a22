package condition

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal questions of `pardemo condition --quiz`:
// what the producer does when the list is full, and whether a woken
// consumer can find the list empty again (why Wait sits in a for loop).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A producer adds %d items, 1 per story-s, to a list of at most %d; %d consumer(s) take 1 per %g s each. What happens?",
			o.Items, o.Capacity, o.Consumers, consumeEvery)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"the producer never waits: the consumers keep up",
			"the list fills; the producer waits for a consumer's take",
			fmt.Sprintf("the list grows past %d: nothing stops the producer", o.Capacity),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("the list peaked at %d of %d; the producer found it full %d time(s)", m.MaxLen, m.Capacity, m.ProducerWaits)
		switch {
		case m.MaxLen > m.Capacity:
			return 2, measured
		case m.ProducerWaits > 0:
			return 1, measured
		default:
			return 0, measured
		}
	},
	Why: "the producer checks for room under the lock and sleeps in Cond.Wait while there is none, until a take Broadcasts; enough consumers keep up and it never waits (Python's Condition works the same way)",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("With %d consumer(s), does a goroutine woken by Broadcast ever find its condition false again?", o.Consumers)
	},
	Choices: []string{
		"never: it was woken because the list changed for it",
		"yes: another goroutine got there first; it waits again",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.Rewaits > 0 {
			return 1, fmt.Sprintf("%d wake-up(s) found the condition false and waited again", m.Rewaits)
		}
		return 0, fmt.Sprintf("no wake-up found the condition false (%d consumer wait(s))", m.ConsumerWaits)
	},
	Why: "Broadcast wakes every waiter but only one gets the item, so each re-checks in a for loop; Go's Cond, unlike a POSIX one, never wakes without a Signal or Broadcast",
}}
