package rlock

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal question of `pardemo rlock --quiz`. The
// naive guess is that a goroutine may take a lock it already holds, as with
// Python's RLock; the run shows the sync.Mutex box waiting for itself.
var quiz = []demos.Question[Options, Metrics]{{
	Ask: "The adder holds the box's sync.Mutex and calls execute, which locks it again. What happens?",
	Choices: []string{
		"execute gets in: the adder already holds the lock",
		"execute waits forever: the adder waits for itself",
		"Go panics: a goroutine may not lock a mutex twice",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if !m.DeadlockDetected {
			return -1, "the sync.Mutex box did not deadlock this run (it always should: please report it)"
		}
		stuck := time.Duration(m.StuckMs * float64(time.Millisecond))
		return 1, fmt.Sprintf("%s waited %s (past --patience %d story-s) for the lock it held", m.Deadlocked, ev.Dur(stuck), o.Patience)
	},
	Why: "a sync.Mutex has no owner, so its second Lock waits for an Unlock only the waiter could make; Python's Lock does the same, its RLock counts the holds instead",
}, {
	Ask: "With isync.ReentrantLock, add locks and execute locks again. What is the hold count inside execute?",
	Choices: []string{
		"1: the holder's second Lock changes nothing",
		"2: each Lock counts, each Unlock takes one off",
		"it grows with every operation: the holds pile up",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("the hold count reached %d; the box ended at %d after %d operations", m.MaxHoldCount, m.BoxFinal, 2*m.Ops)
		switch {
		case m.MaxHoldCount == 1:
			return 0, measured
		case m.MaxHoldCount == 2:
			return 1, measured
		case m.MaxHoldCount > 2:
			return 2, measured
		default:
			return -1, measured
		}
	},
	Why: "a re-entrant lock remembers its owner and counts: the owner's second Lock gets straight in (2), and the lock is free only after as many Unlocks; Python's RLock counts the same way",
}}
