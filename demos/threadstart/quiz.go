package threadstart

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is `pardemo thread start --quiz`: how long joining two workers
// takes (the naive guess adds them up), and who speaks last when main
// does not join (the naive guess: main waits for its workers).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Round 2: main starts A (%d messages, 1 a story-s) and B (%d, 1 every 2 story-s), then joins both. How long until main ends?",
			o.Times, o.Times)
	},
	ChoicesFor: func(o *Options) []string {
		longest, sum := float64(o.Times)*max(everyA, everyB), float64(o.Times)*(everyA+everyB)
		return []string{
			"about 0 story-s: starting does not wait",
			fmt.Sprintf("about %g story-s: as long as the slower worker", longest),
			fmt.Sprintf("about %g story-s: A's time plus B's", sum),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		s, longest, sum := m.JoinedStoryS, m.LongestStoryS, m.SumStoryS
		measured := fmt.Sprintf("main ended after %.1f story-s; the slower worker needs %g, both added %g", s, longest, sum)
		switch {
		case s < longest/4:
			return 0, measured
		case s >= (longest+sum)/2:
			return 2, measured
		case s >= longest*3/4:
			return 1, measured
		}
		return -1, measured
	},
	Why: "the two goroutines sleep at the same time, so join waits only for the slower one; Python's threads overlap their sleeps the same way",
}, {
	Ask: "Round 1: main starts A and B and does not join them. Which comes first: main's \"ended\" or the workers' last messages?",
	Choices: []string{
		"the workers' last messages: main waits for them",
		"main's \"ended\": it does not wait",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.MainEndedFirst {
			return 1, fmt.Sprintf("main said it ended %.0fms before the last worker's message", m.EndedAheadMs)
		}
		return 0, fmt.Sprintf("a worker was done %.0fms before main said it ended", -m.EndedAheadMs)
	},
	Why: "go f() returns at once and main runs on to its end; a real Go program would then exit and cut A and B off, while Python waits for its non-daemon threads at exit",
}}
