package threadtimer

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "timer broke promise", Class: demos.Forbidden, Desc: "timer-1 did not fire exactly once, or a stopped timer-2 fired, or the backlog passed work ÷ interval: a bug",
		When: func(o *Options, m Metrics) bool { return !m.FiredOnce || m.MaxLive > m.Level+1 }},
	{Name: "stop too late", Class: demos.Acceptable, Desc: "timer-2 fired before main could stop it (the machine was slow)",
		When: func(o *Options, m Metrics) bool { return !m.CancelledStopped }},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "timer-1 fired late: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return !m.FiredOnTime }},
	{Name: "no backlog", Class: demos.Acceptable, Desc: "the greeter's callbacks never overlapped (work shorter than the interval)",
		When: func(o *Options, m Metrics) bool { return m.MaxLive <= 1 }},
	{Name: "backlog", Class: demos.Interesting, Desc: "slow callbacks piled up, at most work ÷ interval at once",
		When: func(o *Options, m Metrics) bool { return m.MaxLive > 1 }},
}
