package queue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/queue"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// With seed 42 the three jobs get priorities 2, 3, 1. In fake time the
// whole run is exact: the same puts for every kind, then each kind's order.
func TestExactRunInFakeTime(t *testing.T) {
	fill := []string{
		": fill the queue",
		"main: put job-1 (priority 2): 1 of 3",
		"main: put job-2 (priority 3): 2 of 3",
		"main: put job-3 (priority 1): 3 of 3",
		": put on the full queue, with a timeout",
		"main: put job-4 (priority 1) with a 1 story-second timeout: no room, so it waits",
		"main: put gave up after 1s: queue is full",
		": a worker takes the jobs; main joins",
		"main: starts a worker, then join: waits until every job is marked done, not just taken",
		"worker: waits for jobs",
	}
	cases := map[string][]string{
		"fifo":     {"job-1 (priority 2)", "job-2 (priority 3)", "job-3 (priority 1)"},
		"lifo":     {"job-3 (priority 1)", "job-2 (priority 3)", "job-1 (priority 2)"},
		"priority": {"job-3 (priority 1)", "job-1 (priority 2)", "job-2 (priority 3)"},
	}
	for kind, order := range cases {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, queue.New(), 1, "kind="+kind)
			want := slices.Clone(fill)
			for i, j := range order {
				name, _, _ := strings.Cut(j, " ")
				want = append(want,
					fmt.Sprintf("worker: took %s: %d left in the queue", j, 2-i),
					fmt.Sprintf("worker: finished %s: task_done", name))
			}
			want = append(want,
				"main: join returned after 3s, with 3 of 3 jobs marked done",
				": get from the empty queue, without waiting",
				"main: get_nowait: queue is empty",
				"worker: stops after 3 jobs")
			if got := demotest.Messages(c); !slices.Equal(got, want) {
				t.Fatalf("%s: events\n%s\nwant\n%s", kind, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// The put waited its whole timeout; join returned at the last task_done.
			if at := c.Events[demotest.Index(c, "main", "put gave up")].T; at != time.Second {
				t.Errorf("%s: full put gave up at %v, want 1s", kind, at)
			}
			if at := c.Events[demotest.Index(c, "main", "join returned")].T; at != 4*time.Second {
				t.Errorf("%s: join returned at %v, want 4s", kind, at)
			}
			m := demotest.Metrics[queue.Metrics](t, res)
			if m.Kind != kind || m.FullError != "queue is full" || m.EmptyError != "queue is empty" ||
				!m.Joined || m.DoneAtJoin != 3 || m.JoinWaitMs != 3000 || !res.Observed {
				t.Errorf("%s: result %+v", kind, res)
			}
		})
	}
}

// The same seed gives the same jobs to every kind, so kinds can be compared.
func TestSameJobsForEveryKind(t *testing.T) {
	var puts []string
	for _, kind := range []string{"fifo", "lifo", "priority"} {
		res, _ := demotest.MustRun(t, queue.New(), 1000, "kind="+kind, "maxsize=6")
		m := demotest.Metrics[queue.Metrics](t, res)
		puts = append(puts, fmt.Sprint(m.PutOrder, m.Priorities))
	}
	if puts[0] != puts[1] || puts[1] != puts[2] {
		t.Fatalf("different jobs per kind: %v", puts)
	}
}

// Real time, every maxsize: each kind's order obeys its rule, checked here
// independently of the verdict from the metrics.
func TestOrderRuleInRealTime(t *testing.T) {
	for _, kind := range []string{"fifo", "lifo", "priority"} {
		for _, n := range []int{2, 5, 10} {
			res, _ := demotest.MustRun(t, queue.New(), 1000, "kind="+kind, fmt.Sprint("maxsize=", n))
			m := demotest.Metrics[queue.Metrics](t, res)
			put, got := m.PutOrder, m.Order
			prio := func(name string) int {
				p, ok := m.Priorities[name]
				if !ok {
					t.Fatalf("no priority for %s in %v", name, m.Priorities)
				}
				return p
			}
			want := slices.Clone(put)
			switch kind {
			case "lifo":
				slices.Reverse(want)
			case "priority":
				slices.SortStableFunc(want, func(a, b string) int { return prio(a) - prio(b) })
				if slices.Equal(want, put) {
					t.Errorf("maxsize %d: priorities already in put order, nothing to show: %v", n, m.Priorities)
				}
			}
			if !slices.Equal(got, want) || !res.Observed || m.DoneAtJoin != n || m.Maxsize != n {
				t.Errorf("%s maxsize %d: order %v, want %v; result %+v", kind, n, got, want, res)
			}
		}
	}
}

// One job cannot show an order, and the verdict says so.
func TestHonestWithOneJob(t *testing.T) {
	res, _ := demotest.MustRun(t, queue.New(), 1000, "kind=lifo", "maxsize=1")
	if m := demotest.Metrics[queue.Metrics](t, res); res.Observed || res.Hint == "" || m.FullError != "queue is full" {
		t.Fatalf("want an honest 'not observed' with a hint, got %+v", res)
	}
}

func TestInterruptStopsEverything(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := demotest.RunCtx(ctx, t, queue.New(), 1, "maxsize=10")
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
}
