package queue_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/queue"
	"github.com/pardemo/pardemo/internal/ev"
)

// The answers come from the metrics: hand-built ones reach every choice,
// including the ties a kind's own rule settles.
func TestQuizAnswersFromMetrics(t *testing.T) {
	d := queue.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	put := []string{"job-1", "job-2", "job-3"}
	mixed := map[string]int{"job-1": 2, "job-2": 3, "job-3": 1}
	backwards := map[string]int{"job-1": 3, "job-2": 2, "job-3": 1}
	cases := []struct {
		name          string
		m             queue.Metrics
		order, joined int
	}{
		{"fifo", queue.Metrics{Kind: "fifo", Order: put, Priorities: mixed, DoneAtJoin: 3}, 0, 2},
		{"lifo", queue.Metrics{Kind: "lifo", Order: []string{"job-3", "job-2", "job-1"}, Priorities: mixed, DoneAtJoin: 0}, 1, 0},
		{"priority", queue.Metrics{Kind: "priority", Order: []string{"job-3", "job-1", "job-2"}, Priorities: mixed, DoneAtJoin: 2}, 2, 1},
		{"mixed up", queue.Metrics{Kind: "fifo", Order: []string{"job-2", "job-1", "job-3"}, Priorities: mixed, DoneAtJoin: 3}, 3, 2},
		// Priorities 3, 2, 1 come out reversed either way: the kind decides.
		{"lifo tie", queue.Metrics{Kind: "lifo", Order: []string{"job-3", "job-2", "job-1"}, Priorities: backwards, DoneAtJoin: 3}, 1, 2},
		{"priority tie", queue.Metrics{Kind: "priority", Order: []string{"job-3", "job-2", "job-1"}, Priorities: backwards, DoneAtJoin: 3}, 2, 2},
	}
	for _, c := range cases {
		c.m.Maxsize, c.m.PutOrder = 3, put
		b := demotest.Knobs(t, d, "kind="+c.m.Kind)
		rev := b.Reveal(ev.Result{Metrics: c.m})
		if len(rev) != 2 || rev[0].Choice != c.order || rev[1].Choice != c.joined {
			t.Errorf("%s: revealed %+v, want choices %d and %d", c.name, rev, c.order, c.joined)
		}
	}
}

// Real runs, in fake time: each kind's own order, and join after the last
// task_done, every time.
func TestQuizRevealsTheRun(t *testing.T) {
	for kind, want := range map[string]int{"fifo": 0, "lifo": 1, "priority": 2} {
		synctest.Test(t, func(t *testing.T) {
			d := queue.New()
			res, _ := demotest.MustRun(t, d, 1, "kind="+kind)
			rev := demotest.Reveal(t, d, res, "kind="+kind)
			for i, a := range demotest.Knobs(t, d, "kind="+kind).Ask() {
				t.Logf("%s: %s %q → %d: %s", kind, a.Text, a.Choices, rev[i].Choice, rev[i].Measured)
			}
			if rev[0].Choice != want || rev[1].Choice != 2 {
				t.Errorf("%s: revealed %+v, want choices %d and 2", kind, rev, want)
			}
		})
	}
}
