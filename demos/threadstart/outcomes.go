package threadstart

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "join did not wait", Class: demos.Forbidden, Desc: "with join, main ended before a worker finished: a bug",
		When: func(o *Options, m Metrics) bool { return m.JoinedStoryS < m.LongestStoryS*0.95 }},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "the machine could not keep the pace (too high a --speed)",
		When: func(o *Options, m Metrics) bool { return !m.OnPace || !m.MainEndedFirst }},
	{Name: "longest, not sum", Class: demos.Acceptable, Desc: "main ended first without join; with join it took about the longest worker",
		When: func(o *Options, m Metrics) bool { return true }},
}
