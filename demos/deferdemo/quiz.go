package deferdemo

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal question of `pardemo defer --quiz`. The
// naive guesses are that a recovered panic leaves nothing behind, or that
// a panic always leaks the lock; the run counts what stayed held, with
// defer (none) or releasing by hand with --no-defer (all).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		how := "released with defer"
		if o.NoDefer {
			how = "released by hand on the last line"
		}
		return fmt.Sprintf("Four blocks (mutex, re-entrant lock, condition, semaphore; %s) each panic mid-way; the panic is recovered. How many stay held?", how)
	},
	Choices: []string{
		"none of them",
		"all four",
		"some of them",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d of %d still held after %d recovered panic(s)", m.LeftHeld, m.Primitives, m.PanicsRecovered)
		switch {
		case m.Primitives == 0:
			return -1, measured
		case m.LeftHeld == 0:
			return 0, measured
		case m.LeftHeld == m.Primitives:
			return 1, measured
		default:
			return 2, measured
		}
	},
	Why: "deferred calls run while a panic unwinds, so a deferred release always happens; a release on the block's last line is skipped, and Go never releases a lock by itself (Python's `with` plays defer's part)",
}}
