package download

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "side by side", Class: demos.Acceptable, Desc: "every form took about the longer download, not the sum",
		When: func(o *Options, m Metrics) bool { return m.Overlapped }},
	{Name: "no form ran", Class: demos.Acceptable, Desc: "processes are not supported here and no goroutine form was asked for",
		When: func(o *Options, m Metrics) bool { return m.Goroutines == nil && m.Processes == nil }},
	{Name: "did not overlap", Class: demos.Acceptable, Desc: "a form took nearer the sum: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return true }},
}
