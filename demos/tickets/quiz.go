package tickets

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal part of `pardemo tickets --quiz`. With
// fewer tickets than buyers: how many buyers are told they got one? With
// enough for everybody: does the file's count agree with the sales? The
// answer is read from what the buyers reported and the file held at the
// end, so --lock changes it.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		lock := "no lock"
		if o.Lock {
			lock = "each holding the file lock"
		}
		if scarce(o) {
			return fmt.Sprintf("%s, %s, %s. How many buyers are told they got a ticket?",
				count(o.Buyers, "buyer"), count(o.Tickets, "ticket"), lock)
		}
		return fmt.Sprintf("%s, %s, %s: every buyer gets one. What count does the file hold at the end?",
			count(o.Buyers, "buyer"), count(o.Tickets, "ticket"), lock)
	},
	ChoicesFor: func(o *Options) []string {
		if scarce(o) {
			cs := []string{fmt.Sprintf("exactly %d: no more than exist", o.Tickets)}
			if o.Buyers-o.Tickets >= 2 {
				cs = append(cs, fmt.Sprintf("more than %d, but not all %d", o.Tickets, o.Buyers))
			}
			return append(cs, fmt.Sprintf("all %d: each read a ticket left", o.Buyers))
		}
		return []string{
			fmt.Sprintf("%d: one less per buyer", o.Tickets-o.Buyers),
			fmt.Sprintf("more than %d: some sales were overwritten", o.Tickets-o.Buyers),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if !m.DBValid {
			return -1, "the database was not left valid"
		}
		measured := fmt.Sprintf("%d sold of %s; the file says %d left", m.Sold, count(m.Tickets, "ticket"), m.Left)
		if !scarce(o) {
			if m.LostSales > 0 {
				return 1, measured
			}
			if m.Left == m.Tickets-m.Sold {
				return 0, measured
			}
			return -1, measured
		}
		all := 1
		if m.Buyers-m.Tickets >= 2 {
			all = 2
		}
		switch {
		case m.Sold == m.Tickets:
			return 0, measured
		case m.Sold == m.Buyers:
			return all, measured
		case m.Sold > m.Tickets:
			return 1, measured
		}
		return -1, measured // fewer sold than existed: no choice says that
	},
	Why: "each buyer decides on the count it read; without the lock all read it before anyone writes back, " +
		"so all decide on the same stale count — the lock makes read-decide-write one step",
}}

// scarce says the buyers outnumber the tickets: the question is then about
// overselling, else about the count written back.
func scarce(o *Options) bool { return o.Tickets < o.Buyers }
