package event

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "counts do not add up", Class: demos.Forbidden, Desc: "produced ≠ consumed + left over, or a consumed item without a caught pulse: a bug",
		When: func(o *Options, m Metrics) bool {
			return m.Produced != m.Consumed+m.LeftOver || m.CaughtPulses != m.Consumed || m.Pulses != m.CaughtPulses+m.MissedPulses
		}},
	{Name: "missed > 0", Class: demos.Interesting, Desc: "pulses fired while the consumer was busy were lost",
		When: func(o *Options, m Metrics) bool { return m.MissedPulses > 0 }},
	{Name: "none missed", Class: demos.Acceptable, Desc: "the consumer was back in Wait before every pulse (the lesson did not show)",
		When: func(o *Options, m Metrics) bool { return true }},
}
