package race

import "github.com/pardemo/pardemo/demos"

// unprotectedSide is the side of m that ran without protection, if any:
// the top level without --compare, compare["none"] with it.
func unprotectedSide(m Metrics) (Side, bool) {
	if s, ok := m.Compare["none"]; ok {
		return s, true
	}
	if m.Mode == "none" || m.Mode == "plain" {
		return m.Side, true
	}
	return Side{}, false
}

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "lost with protection", Class: demos.Forbidden, Desc: "a protected counter (mutex, atomic, channel) lost updates: a bug",
		When: func(o *Options, m Metrics) bool { return m.Mode != "none" && m.Mode != "plain" && m.RunsWithLoss > 0 }},
	{Name: "one worker", Class: demos.Acceptable, Desc: "one worker has nobody to race with",
		When: func(o *Options, m Metrics) bool { return m.Workers == 1 }},
	{Name: "lost > 0", Class: demos.Interesting, Desc: "the unprotected counter lost updates: the race showed",
		When: func(o *Options, m Metrics) bool { s, ok := unprotectedSide(m); return ok && s.RunsWithLoss > 0 }},
	{Name: "none visible", Class: demos.Acceptable, Desc: "the unprotected counter ended where expected (the lesson did not show)",
		When: func(o *Options, m Metrics) bool { _, ok := unprotectedSide(m); return ok }},
	{Name: "exact", Class: demos.Acceptable, Desc: "with protection the count is exact",
		When: func(o *Options, m Metrics) bool { return true }},
}
