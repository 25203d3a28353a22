package deferdemo

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "not every panic", Class: demos.Forbidden, Desc: "a faulty block did not panic: a bug",
		When: func(o *Options, m Metrics) bool { return m.PanicsRecovered != m.Primitives }},
	{Name: "held despite defer", Class: demos.Forbidden, Desc: "a primitive stayed held although its release was deferred: a bug",
		When: func(o *Options, m Metrics) bool { return m.UseDefer && m.LeftHeld > 0 }},
	{Name: "all released", Class: demos.Acceptable, Desc: "every deferred release ran, panic or not",
		When: func(o *Options, m Metrics) bool { return m.UseDefer }},
	{Name: "leaked without defer", Class: demos.Interesting, Desc: "without defer, each panic left its primitive held",
		When: func(o *Options, m Metrics) bool { return m.LeftHeld == m.Primitives }},
	{Name: "partly leaked", Class: demos.Forbidden, Desc: "without defer, only some primitives stayed held: a bug",
		When: func(o *Options, m Metrics) bool { return true }},
}
