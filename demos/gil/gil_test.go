package gil_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// ways returns a metric's three timings, failing unless it has exactly the
// declared shape.
func ways(t *testing.T, res ev.Result, kind string) (seq, gil, par float64) {
	t.Helper()
	m, ok := res.Metrics[kind].(map[string]any)
	if !ok || len(m) != 3 {
		t.Fatalf("metric %q = %#v, want a map of three timings", kind, res.Metrics[kind])
	}
	get := func(k string) float64 {
		v, ok := m[k].(float64)
		if !ok || v < 0 {
			t.Fatalf("metric %s.%s = %#v, want a duration in ms", kind, k, m[k])
		}
		return v
	}
	return get("sequential_ms"), get("gil_ms"), get("parallel_ms")
}

// In fake time a sleep takes exactly its story time: four waits one after
// another take 4 s; four workers, GIL or not, take 1 s. Computing takes no
// fake time at all, which the verdict must admit instead of claiming a
// speed-up.
func TestIOInFakeTime(t *testing.T) {
	for _, model := range []string{"lock", "gomaxprocs"} {
		t.Run(model, func(t *testing.T) {
			before := runtime.GOMAXPROCS(0)
			synctest.Test(t, func(t *testing.T) {
				res, c := demotest.MustRun(t, gil.New(), 1, "count=1000", "gil="+model)
				if seq, g, par := ways(t, res, "io"); seq != 4000 || g != 1000 || par != 1000 {
					t.Errorf("io = %v %v %v ms, want 4000 1000 1000", seq, g, par)
				}
				if seq, g, par := ways(t, res, "cpu"); seq != 0 || g != 0 || par != 0 {
					t.Errorf("cpu = %v %v %v ms: computing should take no fake time", seq, g, par)
				}
				if res.Metrics["cores"] != runtime.GOMAXPROCS(0) {
					t.Errorf("cores = %v, want %d", res.Metrics["cores"], runtime.GOMAXPROCS(0))
				}
				if res.Observed || res.Hint == "" {
					t.Errorf("verdict claims a lesson it could not time: %+v", res)
				}
				if model == "lock" {
					// Every job takes the GIL, lets go for its wait, and takes
					// it back after: all four wait at once.
					for _, job := range []string{"job-1", "job-2", "job-3", "job-4"} {
						held, back := demotest.Index(c, job, "holds the GIL"), demotest.Index(c, job, "took the GIL back")
						if held < 0 || back < held {
							t.Errorf("%s: holds at event %d, back at %d", job, held, back)
						}
						if back >= 0 && c.Events[back].T-c.Events[held].T != time.Second {
							t.Errorf("%s waited %v, want 1s", job, c.Events[back].T-c.Events[held].T)
						}
					}
				}
			})
			if after := runtime.GOMAXPROCS(0); after != before {
				t.Errorf("GOMAXPROCS was %d before the run and %d after", before, after)
			}
		})
	}
}

// Real time, real cores: the shape of the result, not the speed-ups (the
// machine may be busy). The verdict is computed either way.
func TestRealTimeShape(t *testing.T) {
	for _, model := range []string{"lock", "gomaxprocs"} {
		res, c := demotest.MustRun(t, gil.New(), 1000, "count=200000", "trials=2", "gil="+model)
		seq, g, par := ways(t, res, "io")
		if seq == 0 || g == 0 || par == 0 {
			t.Errorf("%s: io timings %v %v %v: a real wait takes time", model, seq, g, par)
		}
		ways(t, res, "cpu")
		if n, ok := res.Metrics["cores"].(int); !ok || n < 1 {
			t.Errorf("%s: cores = %#v", model, res.Metrics["cores"])
		}
		if len(res.Tables) != 1 || len(res.Tables[0].Rows) != 2 || len(res.Tables[0].Rows[0]) != 4 {
			t.Errorf("%s: want a 2×3 table with row labels, got %+v", model, res.Tables)
		}
		for _, actor := range []string{"sequential", "gil", "all-cores"} {
			if n := len(c.Of(actor)); n != 2 {
				t.Errorf("%s: %s reported %d times, want once for CPU and once for IO", model, actor, n)
			}
		}
	}
}

// Ctrl-C in the middle ends the run promptly; goleak checks nothing is left.
func TestInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		time.AfterFunc(1500*time.Millisecond, cancel) // during the sequential waits
		_, _, err := demotest.RunCtx(ctx, t, gil.New(), 1, "count=1000")
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("err = %v, want interrupted", err)
		}
	})
}

// Ctrl-C while counting: every worker, under the GIL or not, stops at its
// next look around; goleak checks none is left.
func TestInterruptedWhileCounting(t *testing.T) {
	for _, model := range []string{"lock", "gomaxprocs"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		_, _, err := demotest.RunCtx(ctx, t, gil.New(), 1000, "count=100000000", "trials=2", "gil="+model)
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("%s: err = %v, want interrupted", model, err)
		}
	}
}

func TestBoundedWork(t *testing.T) {
	d := gil.New()
	if err := d.Check(demotest.Values(t, d, "count=100000000", "jobs=16", "trials=10")); err == nil {
		t.Error("16 billion counting steps accepted")
	}
	if err := d.Check(demotest.Values(t, d)); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
}
