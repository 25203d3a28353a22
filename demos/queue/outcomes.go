package queue

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify). The
// order itself is checked by the verdict; here the promises the metrics
// carry.
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "broken promise", Class: demos.Forbidden, Desc: "jobs lost, no full or empty error, or join returned early: a bug",
		When: func(o *Options, m Metrics) bool {
			return len(m.Order) != m.Maxsize || m.FullError == "" || m.EmptyError == "" || !m.Joined || m.DoneAtJoin != m.Maxsize
		}},
	{Name: "order by kind", Class: demos.Acceptable, Desc: "jobs came out in the kind's order; full, empty and join behaved",
		When: func(o *Options, m Metrics) bool { return true }},
}
