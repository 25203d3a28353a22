package asyncexecutor

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal questions of `pardemo async-executor
// --quiz`: what a 0.1-second ticker on the loop does while blocking calls
// run, first awaited in executors, then made on the loop. Both are read
// from the ticks the run saw.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A ticker ticks every %g s on the loop. While a %d MiB read and a sum of squares below %s run in executors, it…",
			tick, o.IOMiB, ev.Int(int64(o.Below)))
	},
	Choices: []string{
		"keeps its beat: the loop only awaits the calls",
		"stops until the calls finish: one thread",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		e := m.Executor
		if e == nil {
			return -1, "no calls in executors (--no-executor)"
		}
		measured := fmt.Sprintf("%d ticks, the largest gap %.2f story-s (read %s ms, sum %s ms)", e.Ticks, e.MaxGap, ev.Float(e.IOMs), ev.Float(e.CPUMs))
		switch {
		case responsive(m):
			return 0, measured
		case e.MaxGap >= visible(m):
			return 1, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "run_in_executor hands the call to a thread or a process and the loop goes on running callbacks until the result comes; in Go, a goroutine blocked in a read or a sum holds no one else up",
}, {
	Ask: "Then the same calls are made on the loop, without an executor. The ticker's largest gap is…",
	Choices: []string{
		fmt.Sprintf("still about %g s: the runtime is preemptive", tick),
		"as long as the calls hold the loop",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		b := m.Blocking
		measured := fmt.Sprintf("the calls held the loop %.2f story-s; the largest gap was %.2f", b.BlockedS, b.MaxGap)
		switch {
		case blocked(m):
			return 1, measured
		case b.MaxGap <= tick+m.Tolerance:
			return 0, measured + " (the calls were too short to stall it: try --io-mib 256)"
		}
		return -1, measured
	},
	Why: "a loop runs one callback at a time, so a call that never awaits keeps every tick waiting; Go would preempt a goroutine, but not this loop's one-at-a-time rule",
}}
