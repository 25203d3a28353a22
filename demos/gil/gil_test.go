package gil_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"runtime"
	"slices"
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

// ways returns a kind of job's three timings ("cpu" or "io"), failing
// unless each is a duration in ms.
func ways(t *testing.T, res ev.Result, kind string) (seq, g, par float64) {
	t.Helper()
	m := demotest.Metrics[gil.Metrics](t, res)
	w := map[string]gil.Ways{"cpu": m.CPU, "io": m.IO}[kind]
	for name, v := range map[string]float64{"sequential_ms": w.SequentialMs, "gil_ms": w.GILMs, "parallel_ms": w.ParallelMs} {
		if v < 0 {
			t.Fatalf("metric %s.%s = %v, want a duration in ms", kind, name, v)
		}
	}
	return w.SequentialMs, w.GILMs, w.ParallelMs
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
				if n := demotest.Metrics[gil.Metrics](t, res).Cores; n != runtime.GOMAXPROCS(0) {
					t.Errorf("cores = %v, want %d", n, runtime.GOMAXPROCS(0))
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
		res, c := demotest.MustRun(t, gil.New(), 1000, "count=200000", "repeat=2", "gil="+model)
		seq, g, par := ways(t, res, "io")
		if seq == 0 || g == 0 || par == 0 {
			t.Errorf("%s: io timings %v %v %v: a real wait takes time", model, seq, g, par)
		}
		ways(t, res, "cpu")
		// The JSON keeps its documented shape: cpu and io each an object
		// of three timings, cores a number.
		var shape map[string]any
		if b, err := json.Marshal(res.Metrics); err != nil || json.Unmarshal(b, &shape) != nil {
			t.Fatalf("%s: metrics do not round-trip through JSON: %v", model, err)
		}
		for _, kind := range []string{"cpu", "io"} {
			sub, _ := shape[kind].(map[string]any)
			if keys := slices.Sorted(maps.Keys(sub)); !slices.Equal(keys, []string{"gil_ms", "parallel_ms", "sequential_ms"}) {
				t.Errorf("%s: %s has keys %v", model, kind, keys)
			}
		}
		if _, ok := shape["cores"].(float64); !ok || len(shape) != 7 {
			t.Errorf("%s: metrics JSON %v", model, shape)
		}
		// The CPU each counting way got, in cores: measured where the
		// system says (unix), so positive there.
		used, _ := shape["cores_used"].(map[string]any)
		if keys := slices.Sorted(maps.Keys(used)); !slices.Equal(keys, []string{"gil", "parallel", "sequential"}) {
			t.Errorf("%s: cores_used has keys %v", model, keys)
		}
		if u := demotest.Metrics[gil.Metrics](t, res).CoresUsed; runtime.GOOS == "linux" && (u.Sequential <= 0 || u.GIL <= 0 || u.Parallel <= 0) {
			t.Errorf("%s: cores used %+v, want each measured", model, u)
		}
		// Idle cores: unknown (-1) for trials this short (under 100 ms).
		if u := demotest.Metrics[gil.Metrics](t, res).IdleCores; u != (gil.IdleCores{Sequential: -1, GIL: -1, Parallel: -1}) {
			t.Errorf("%s: idle cores %+v from trials under 100 ms, want all -1", model, u)
		}
		if w := demotest.Metrics[gil.Metrics](t, res).WaitMs; w != 1 {
			t.Errorf("%s: wait_ms = %v at --speed 1000, want 1", model, w)
		}
		if n := demotest.Metrics[gil.Metrics](t, res).Cores; n < 1 {
			t.Errorf("%s: cores = %d", model, n)
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
		_, _, err := demotest.RunCtx(ctx, t, gil.New(), 1000, "count=100000000", "repeat=2", "gil="+model)
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Fatalf("%s: err = %v, want interrupted", model, err)
		}
	}
}

func TestBoundedWork(t *testing.T) {
	d := gil.New()
	if err := demotest.CheckErr(t, d, "count=100000000", "jobs=16", "repeat=10"); err == nil {
		t.Error("16 billion counting steps accepted")
	}
	if err := demotest.CheckErr(t, d); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
}
