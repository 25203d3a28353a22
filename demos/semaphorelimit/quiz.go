package semaphorelimit

import (
	"fmt"
	"math"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal question of `pardemo semaphore limit
// --quiz`: how long the workers take. The naive guesses are "all at once"
// (goroutines are cheap) and "one at a time" (a semaphore is a lock); the
// answer is the run's measured length.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%d workers each hold a permit of a semaphore of %d for %g story-s. How long do they all take?",
			o.Workers, o.Limit, holdTime)
	},
	ChoicesFor: func(o *Options) []string { return lengthChoices(o).text },
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("took %s story-s; at most %d held a permit at once", ev.Float(m.StorySeconds), m.MaxHolders)
		if m.StorySeconds <= 0 {
			return -1, measured
		}
		// The choice nearest the measured length, by ratio; none when the
		// run was more than half as long again, or shorter by a third.
		best, bestDist := -1, math.Log(1.5)
		for i, v := range lengthChoices(o).story {
			if d := math.Abs(math.Log(m.StorySeconds / v)); d < bestDist {
				best, bestDist = i, d
			}
		}
		return best, measured
	},
	Why: "each Acquire takes one of the permits and waits while none is free, so the workers go through in waves of the limit, one hold time each; Python's Semaphore does the same",
}}

// choices are the lengths offered, in story-seconds, and their wording.
type choices struct {
	text  []string
	story []float64
}

// lengthChoices offers "all at once", "limit at a time" and "one at a
// time", dropping any that coincide for these knobs (--limit 1, or a limit
// of at least --workers), plus a longer one so that there are always two.
func lengthChoices(o *Options) choices {
	var c choices
	add := func(story float64, text string) {
		for _, s := range c.story {
			if s == story {
				return
			}
		}
		c.story = append(c.story, story)
		c.text = append(c.text, text)
	}
	workers, limit := max(1, o.Workers), max(1, o.Limit) // the knobs' zero values, before they are bound
	w := waves(workers, limit)
	add(holdTime, fmt.Sprintf("about %g story-s: they all run at once", holdTime))
	add(float64(w)*holdTime, fmt.Sprintf("about %g story-s: %d at a time", float64(w)*holdTime, limit))
	add(float64(workers)*holdTime, fmt.Sprintf("about %g story-s: one at a time", float64(workers)*holdTime))
	if len(c.story) < 2 {
		add(2*float64(workers)*holdTime, fmt.Sprintf("about %g story-s: waiting costs as much as the work", 2*float64(workers)*holdTime))
	}
	return c
}
