package semaphoresignal

import (
	"slices"

	"github.com/pardemo/pardemo/demos"
)

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "hand-off broken", Class: demos.Forbidden, Desc: "an item arrived out of order or before its release, or a semaphore misbehaved: a bug",
		When: func(o *Options, m Metrics) bool {
			return !m.InOrder || !slices.Equal(m.Produced, m.Consumed) || m.PlainExtraValue != 2 || m.BoundedError == ""
		}},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "the consumer's waits were not about 10 story-seconds: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return !m.OnPace }},
	{Name: "signalled", Class: demos.Acceptable, Desc: "every item reached the consumer in order, each after one production",
		When: func(o *Options, m Metrics) bool { return true }},
}
