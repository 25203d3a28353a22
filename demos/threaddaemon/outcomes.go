package threaddaemon

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "wrong total", Class: demos.Forbidden, Desc: "a total does not match the workers that finished, or one finished after main returned: a bug",
		When: func(o *Options, m Metrics) bool {
			return m.TotalWaited != m.Workers || m.TotalAtExit != m.FinishedAtExit || len(m.AfterExit) > 0
		}},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "main returned late, or a worker woke late: the machine could not keep the pace",
		When: func(o *Options, m Metrics) bool { return !m.MainOnTime || len(m.WokeLate) > 0 }},
	{Name: "none cut off", Class: demos.Acceptable, Desc: "every worker's sleep was shorter than main's life (the lesson did not show)",
		When: func(o *Options, m Metrics) bool { return m.CutOff == 0 }},
	{Name: "some cut off", Class: demos.Interesting, Desc: "workers nobody waited for were cut off; waiting for them, every one counted",
		When: func(o *Options, m Metrics) bool { return m.CutOff > 0 }},
}
