package semaphorelimit

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "over the limit", Class: demos.Forbidden, Desc: "more holders than permits, a permit missing, an extra release accepted, or done too soon: a bug",
		When: func(o *Options, m Metrics) bool {
			return m.MaxHolders > m.Limit || m.FinalValue != m.Limit || m.ExtraReleaseError == "" || m.TooSoon
		}},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "the run took much longer than workers ÷ limit waves: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return !m.OnPace }},
	{Name: "never full", Class: demos.Acceptable, Desc: "fewer than limit workers ever held a permit at once (a busy machine)",
		When: func(o *Options, m Metrics) bool { return m.MaxHolders < m.ExpectedMax }},
	{Name: "limit held", Class: demos.Acceptable, Desc: "exactly limit holders at once, about workers ÷ limit story-seconds",
		When: func(o *Options, m Metrics) bool { return true }},
}
