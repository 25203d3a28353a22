package semaphoresignal

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal questions of `pardemo semaphore signal
// --quiz`: what an Acquire on a semaphore at 0 does (the naive guess: it
// fails, or 0 means "unlocked"), and what a release too many does to a
// plain and a bounded semaphore.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("The consumer calls Acquire on a semaphore that starts at 0; the producer releases it every %g story-s. What does Acquire do?", produceTime)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"fails at once: there is no permit to take",
			fmt.Sprintf("waits for the producer's Release, %g story-s each", produceTime),
			"returns at once: 0 means nobody holds it",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("the consumer waited %s story-s per item on average", ev.Float(m.MeanWaitStory))
		if !m.InOrder {
			return -1, measured + ", but items came out of order (please report it)"
		}
		measured += fmt.Sprintf(" and got all %d items in order", m.Rounds)
		switch {
		case m.MeanWaitStory >= 0.75*produceTime:
			return 1, measured
		case m.MeanWaitStory < 0.25*produceTime:
			return 2, measured
		default:
			return -1, measured + ": neither at once nor a full production"
		}
	},
	Why: "Acquire takes a permit and blocks while there is none, so a semaphore at 0 is a signal: the consumer sleeps until the producer's Release; Python's Semaphore(0) behaves the same",
}, {
	Ask: "A plain and a bounded semaphore of 1 are each acquired once, then released twice. What then?",
	Choices: []string{
		"both refuse the second release: the value stays 1",
		"the plain one accepts it (value 2); the bounded refuses",
		"both accept it: each now has 2 permits",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		refused := m.BoundedError != ""
		measured := fmt.Sprintf("plain value %d afterwards; bounded ", m.PlainExtraValue)
		if refused {
			measured += "refused: " + m.BoundedError
		} else {
			measured += "accepted it"
		}
		switch {
		case m.PlainExtraValue == 1 && refused:
			return 0, measured
		case m.PlainExtraValue == 2 && refused:
			return 1, measured
		case m.PlainExtraValue == 2:
			return 2, measured
		default:
			return -1, measured
		}
	},
	Why: "a plain semaphore is only a counter, so an extra Release adds a permit it never had; a bounded one remembers its start and refuses (Python's BoundedSemaphore raises ValueError)",
}}
