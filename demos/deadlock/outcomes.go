package deadlock

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "deadlock when ordered", Class: demos.Forbidden, Desc: "a cycle of waits although every worker took its locks in one order: a bug",
		When: func(o *Options, m Metrics) bool { return o.Ordered && m.DeadlockDetected }},
	{Name: "ordered, stuck", Class: demos.Forbidden, Desc: "with one global order a worker did not finish: a bug",
		When: func(o *Options, m Metrics) bool { return o.Ordered && !m.Completed }},
	{Name: "completed", Class: demos.Acceptable, Desc: "every worker got both its locks (the lesson with --ordered; without it, luck)",
		When: func(o *Options, m Metrics) bool { return m.Completed && !m.DeadlockDetected }},
	{Name: "deadlock", Class: demos.Interesting, Desc: "a cycle of waits: each worker holds a lock the next one wants",
		When: func(o *Options, m Metrics) bool { return m.DeadlockDetected && len(m.Cycle) > 0 }},
	{Name: "stalled, no cycle", Class: demos.Acceptable, Desc: "the watchdog stopped the run without a cycle of waits (a busy machine)",
		When: func(o *Options, m Metrics) bool { return !m.DeadlockDetected }},
}
