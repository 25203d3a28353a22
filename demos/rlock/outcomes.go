package rlock

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "fixed box wrong", Class: demos.Forbidden, Desc: "a re-entrant or idiomatic box ended off 0, a nested count is short, or a wrong release was accepted: a bug",
		When: func(o *Options, m Metrics) bool {
			return m.BoxFinal != 0 || m.IdiomFinal != 0 || m.NestedTotal != m.NestedExpected ||
				m.NestedIdiomTotal != m.NestedExpected || m.ReleaseErrors != 2 || m.MaxHoldCount != 2
		}},
	{Name: "mutex did not deadlock", Class: demos.Forbidden, Desc: "sync.Mutex taken twice by one goroutine did not deadlock: impossible",
		When: func(o *Options, m Metrics) bool { return !m.DeadlockDetected }},
	{Name: "self-deadlock", Class: demos.Interesting, Desc: "sync.Mutex deadlocked on itself; the re-entrant lock and the idiom fixed it",
		When: func(o *Options, m Metrics) bool { return true }},
}
