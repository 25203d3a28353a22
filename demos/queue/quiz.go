package queue

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal of `pardemo queue --quiz`: the order the
// jobs come out (read from the worker's gets, so --kind changes the
// answer), and when join returns (read from the task_done count at join).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		jobs := fmt.Sprintf("job-1 … job-%d, each with a random priority 1–%d, go", o.Maxsize, lowestPrio)
		if o.Maxsize == 1 {
			jobs = fmt.Sprintf("job-1, with a random priority 1–%d, goes", lowestPrio)
		}
		return fmt.Sprintf("%s into a %s queue. In what order does the worker get them?", jobs, strings.ToUpper(o.Kind))
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"in put order: job-1 first",
			fmt.Sprintf("reversed: job-%d first", o.Maxsize),
			"by priority number, lowest first",
			"some other order",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := "came out " + strings.Join(m.Order, ", ")
		if m.Kind == "priority" {
			measured = "came out " + withPriorities(m) + " (priorities in brackets)"
		}
		return orderChoice(m), measured
	},
	Why: "every kind has the same put and get; only the order the store hands items back differs (Python's Queue, LifoQueue, PriorityQueue alike)",
}, {
	AskFor: func(o *Options) string {
		jobs := fmt.Sprintf("the %d jobs", o.Maxsize)
		if o.Maxsize == 1 {
			jobs = "the one job"
		}
		return fmt.Sprintf("Main calls join() while a worker takes %s, spending %g story-s on each. When does join return?",
			jobs, workTime)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			"at once: every job is already in the queue",
			"when the worker has taken the last job",
			fmt.Sprintf("after the last task_done, about %g story-s", float64(o.Maxsize)*workTime),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		wait := time.Duration(m.JoinWaitMs * float64(time.Millisecond))
		measured := fmt.Sprintf("returned with %d of %d jobs marked done; it waited %s (wall clock)", m.DoneAtJoin, m.Maxsize, ev.Dur(wait))
		switch {
		case m.DoneAtJoin == m.Maxsize && m.Maxsize > 0:
			return 2, measured
		case m.DoneAtJoin == 0:
			return 0, measured
		default:
			return 1, measured
		}
	},
	Why: "join waits for one task_done per put, not for an empty queue: the last job is taken a whole job's work before it is marked done",
}}

// orderChoice is the choice of the order question that the worker's gets
// match: put order (0), reversed (1), by priority (2), or none (3). When
// several match (one job; priorities that happen to run backwards), the
// kind's own rule is the answer.
func orderChoice(m Metrics) int {
	put := m.PutOrder
	rev := slices.Clone(put)
	slices.Reverse(rev)
	byPrio := slices.Clone(put)
	slices.SortStableFunc(byPrio, func(a, b string) int { return m.Priorities[a] - m.Priorities[b] })
	matches := []bool{slices.Equal(m.Order, put), slices.Equal(m.Order, rev), slices.Equal(m.Order, byPrio)}
	own := map[string]int{"fifo": 0, "lifo": 1, "priority": 2}
	if i, ok := own[m.Kind]; ok && matches[i] {
		return i
	}
	for i, ok := range matches {
		if ok {
			return i
		}
	}
	return 3
}

// withPriorities is "job-3 (1), job-1 (2), job-2 (3)".
func withPriorities(m Metrics) string {
	out := make([]string, len(m.Order))
	for i, name := range m.Order {
		out[i] = fmt.Sprintf("%s (%d)", name, m.Priorities[name])
	}
	return strings.Join(out, ", ")
}
