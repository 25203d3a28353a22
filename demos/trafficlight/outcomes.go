package trafficlight

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "crossed on red", Class: demos.Forbidden, Desc: "a car crossed while the light was red, or a car never crossed: a bug",
		When: func(o *Options, m Metrics) bool { return m.CrossedOnRed > 0 || m.Crossed != m.Cars }},
	{Name: "waited for green", Class: demos.Interesting, Desc: "cars that met a red light blocked on the event until green",
		When: func(o *Options, m Metrics) bool { return m.Waited > 0 }},
	{Name: "never red", Class: demos.Acceptable, Desc: "no car met a red light (too few cars, or the light fell behind)",
		When: func(o *Options, m Metrics) bool { return true }},
}
