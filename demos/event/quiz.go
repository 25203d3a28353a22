package event

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo event --quiz`. The
// naive guess is that every set reaches the consumer; a set followed at
// once by clear reaches only a goroutine already inside Wait, so a
// consumer that is busy when a pulse fires misses it.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Every %g story-s the producer appends an item and pulses the event (set, clear). The consumer works %d s per item. How many of %d does it pop?",
			produceEvery, o.Work, o.Items)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("all %d: every set wakes it", o.Items),
			"some: pulses while it works are lost",
			"none: the clear undoes the set at once",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("popped %d of %d; %d pulse(s) missed, %d item(s) left in the list", m.Consumed, m.Produced, m.MissedPulses, m.LeftOver)
		switch {
		case m.Produced == 0:
			return -1, measured
		case m.Consumed == m.Produced:
			return 0, measured
		case m.Consumed == 0:
			return 2, measured
		default:
			return 1, measured
		}
	},
	Why: "Set wakes only the goroutines already in Wait and Clear follows at once, so a pulse fired while the consumer works wakes nobody and nothing remembers it; Python's Event behaves the same",
}}
