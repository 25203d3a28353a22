package condition

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "lost or overfull", Class: demos.Forbidden, Desc: "an item lost or doubled, or the list above its capacity: a bug",
		When: func(o *Options, m Metrics) bool {
			return m.Produced != m.Items || m.Consumed != m.Items || m.MaxLen > m.Capacity
		}},
	{Name: "producer waited", Class: demos.Interesting, Desc: "the list filled; the producer waited and a removal woke it",
		When: func(o *Options, m Metrics) bool { return m.ProducerWaits > 0 }},
	{Name: "re-waited", Class: demos.Interesting, Desc: "a wake-up found the condition false again: why Wait sits in a loop",
		When: func(o *Options, m Metrics) bool { return m.Rewaits > 0 }},
	{Name: "no waiting", Class: demos.Acceptable, Desc: "the list never filled and no wake-up was in vain (the lesson did not show)",
		When: func(o *Options, m Metrics) bool { return true }},
}
