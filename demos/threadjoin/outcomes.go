package threadjoin

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "B not faster", Class: demos.Forbidden, Desc: "start-all-then-join-all was no faster than joining each at once (with 2+ workers): a bug",
		When: func(o *Options, m Metrics) bool { return m.Workers > 1 && m.Ratio < 1.5 && m.OnPace }},
	{Name: "worker done at timeout", Class: demos.Acceptable, Desc: "join(timeout) returned after the worker had finished (the machine was slow)",
		When: func(o *Options, m Metrics) bool { return !m.AliveAfterTimeout }},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "the machine could not keep the pace (too high a --speed)",
		When: func(o *Options, m Metrics) bool { return !m.OnPace }},
	{Name: "one worker", Class: demos.Acceptable, Desc: "with one worker there is nothing to overlap",
		When: func(o *Options, m Metrics) bool { return m.Workers == 1 }},
	{Name: "ratio ≈ N", Class: demos.Acceptable, Desc: "A took N × 2 story-s, B about 2: where you join decides",
		When: func(o *Options, m Metrics) bool { return true }},
}
