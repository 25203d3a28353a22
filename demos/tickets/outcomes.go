package tickets

import "github.com/pardemo/pardemo/demos"

// outcomes are the results a run can end with (see pardemo verify).
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "database broken", Class: demos.Forbidden, Desc: "the database was not left valid: a bug",
		When: func(o *Options, m Metrics) bool { return !m.DBValid }},
	{Name: "oversold with lock", Class: demos.Forbidden, Desc: "with the lock, more sold than existed or a sale forgotten: a bug",
		When: func(o *Options, m Metrics) bool {
			return o.Lock && (m.Oversold > 0 || m.LostSales != 0 || m.Sold != min(m.Tickets, m.Buyers))
		}},
	{Name: "serialised", Class: demos.Acceptable, Desc: "with the lock, exactly min(tickets, buyers) sold and the count is right",
		When: func(o *Options, m Metrics) bool { return o.Lock }},
	{Name: "oversold", Class: demos.Interesting, Desc: "without a lock, buyers were sold tickets that did not exist",
		When: func(o *Options, m Metrics) bool { return m.Oversold > 0 }},
	{Name: "lost sales", Class: demos.Interesting, Desc: "without a lock, buyers overwrote each other's count",
		When: func(o *Options, m Metrics) bool { return m.LostSales != 0 }},
	{Name: "no overlap", Class: demos.Acceptable, Desc: "without a lock, the buyers did not overlap this run (the lesson did not show)",
		When: func(o *Options, m Metrics) bool { return true }},
}
