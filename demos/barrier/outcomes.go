package barrier

import "github.com/pardemo/pardemo/demos"

// together is the skew bound the verdict uses, in ms.
func together(m Metrics) float64 {
	if m.Processes {
		return float64(processSkewBound.Microseconds()) / 1000
	}
	return float64(skewBound.Microseconds()) / 1000
}

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "released early", Class: demos.Forbidden, Desc: "a barrier worker stamped before the other had arrived: a bug",
		When: func(o *Options, m Metrics) bool { return !o.NoBarrier && m.ReleasedEarly }},
	{Name: "apart (no barrier)", Class: demos.Acceptable, Desc: "without the barrier the two stamped as far apart as their work",
		When: func(o *Options, m Metrics) bool { return o.NoBarrier && m.BarrierSkewMs > together(m) }},
	{Name: "together by chance", Class: demos.Acceptable, Desc: "without the barrier their work happened to end together",
		When: func(o *Options, m Metrics) bool { return o.NoBarrier }},
	{Name: "aligned", Class: demos.Acceptable, Desc: "arrived apart, stamped together: the barrier lined them up",
		When: func(o *Options, m Metrics) bool {
			return m.BarrierSkewMs <= together(m) && m.ArrivalGapMs > together(m)
		}},
	{Name: "busy machine", Class: demos.Acceptable, Desc: "released together but not run at once, or arrived too close to tell (a busy machine, a high --speed)",
		When: func(o *Options, m Metrics) bool { return true }},
}
