package poolprimes_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolprimes"
	"github.com/pardemo/pardemo/internal/ev"
)

// byMode groups the per-number events of a run by mode.
func byMode(c *demotest.Capture) map[string][]ev.Event {
	out := map[string][]ev.Event{}
	for _, e := range c.Events {
		if m, ok := e.Attrs["mode"].(string); ok {
			out[m] = append(out[m], e)
		}
	}
	return out
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	}
	panic(fmt.Sprintf("not an integer: %T %v", v, v))
}

// Every mode checks every number exactly once, and gets the answer the
// trial division gives on its own.
func TestAllModesAgree(t *testing.T) {
	nums := []int64{0, 1, 2, 4, 97, 1000003 * 1000033, 112272535095293, 1099726899285419, 112272535095293}
	list := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(nums)), ","), "[]")
	res, c := demotest.MustRun(t, poolprimes.New(), 100, "workers=3", "numbers="+list)

	m := demotest.Metrics[poolprimes.Metrics](t, res)
	results := m.Results
	if len(results) != len(nums) {
		t.Fatalf("%d results for %d numbers", len(results), len(nums))
	}
	for i, n := range nums {
		prime, f := poolprimes.IsPrime(n)
		if r := results[i]; r != (poolprimes.Result{N: n, Prime: prime, Factor: f}) {
			t.Errorf("result %d = %+v, want n %d prime %v factor %d", i, r, n, prime, f)
		}
	}
	ev := byMode(c)
	for _, mode := range []string{"sequential", "goroutines", "processes"} {
		var seen []int64
		for _, e := range ev[mode] {
			n := asInt64(e.Attrs["n"])
			seen = append(seen, n)
			prime, f := poolprimes.IsPrime(n)
			if e.Attrs["prime"] != prime || asInt64(e.Attrs["factor"]) != f {
				t.Errorf("%s: %s says %q (%v)", mode, e.Actor, e.Msg, e.Attrs)
			}
		}
		slices.Sort(seen)
		want := slices.Clone(nums)
		slices.Sort(want)
		if !slices.Equal(seen, want) {
			t.Errorf("%s checked %v, want each of %v once", mode, seen, want)
		}
		if _, ok := m.Modes[mode]; !ok {
			t.Errorf("no %s in modes %v", mode, m.Modes)
		}
	}
	if strings.Contains(res.Verdict, "disagree") {
		t.Errorf("verdict %q", res.Verdict)
	}
}

// In process mode every answer comes from one of the pool's own worker
// processes — not from this one — and the pool was started only once for
// all its rounds.
func TestProcessPoolPids(t *testing.T) {
	res, c := demotest.MustRun(t, poolprimes.New(), 100, "mode=processes", "workers=2", "rounds=4", "numbers=97,91,1000003,1000033,7,8")
	m := demotest.Metrics[poolprimes.Metrics](t, res)
	pids := m.Pids
	if len(pids) != 2 || slices.Contains(pids, os.Getpid()) || pids[0] == pids[1] {
		t.Fatalf("pids %v (this process is %d)", pids, os.Getpid())
	}
	ev := byMode(c)["processes"]
	if len(ev) != 6 {
		t.Fatalf("%d process results, want 6", len(ev))
	}
	for _, e := range ev {
		pid, ok := e.Attrs["pid"].(int)
		if !ok || !slices.Contains(pids, pid) || !strings.Contains(e.Actor, fmt.Sprintf("[pid %d]", pid)) {
			t.Errorf("result from %q with pid %v, not a pool worker %v", e.Actor, e.Attrs["pid"], pids)
		}
	}
	starts, ups := 0, 0
	for _, e := range c.Events {
		if e.Actor == "main" && strings.HasPrefix(e.Msg, "started 2 worker processes") {
			starts++
		}
		// Each worker process says it is up, in its own voice.
		if strings.HasPrefix(e.Msg, "up and waiting") {
			ups++
			if pid, _ := e.Attrs["pid"].(int); !slices.Contains(pids, pid) {
				t.Errorf("%s is up, but is not a pool worker %v", e.Actor, pids)
			}
		}
	}
	if starts != 1 || ups != 2 {
		t.Errorf("the pool was started %d times, %d worker(s) said they were up", starts, ups)
	}
	if len(m.Modes) != 1 {
		t.Errorf("modes that did not run are reported: %v", m.Modes)
	}
	p, ok := m.Modes["processes"]
	if !ok {
		t.Fatalf("no processes in modes %v", m.Modes)
	}
	if r := p.RoundsMs; len(r) != 4 {
		t.Errorf("rounds_ms %v, want 4 rounds", r)
	}
	if p.StartupMs <= 0 {
		t.Errorf("pool start-up not measured: %+v", p)
	}
	// Without a sequential run there is no speedup to claim.
	if p.Speedup != nil || res.Observed || res.Hint != "--run-as all" {
		t.Errorf("metrics %+v, observed %v, hint %q", p, res.Observed, res.Hint)
	}
}

// One worker cannot beat the loop, and the verdict says so instead of
// claiming a speedup.
func TestOneWorker(t *testing.T) {
	res, _ := demotest.MustRun(t, poolprimes.New(), 100, "workers=1", "mode=all", "numbers=1000003,1000033")
	if res.Observed || !strings.Contains(res.Hint, "--workers") {
		t.Errorf("observed %v, verdict %q, hint %q", res.Observed, res.Verdict, res.Hint)
	}
	if pids := demotest.Metrics[poolprimes.Metrics](t, res).Pids; len(pids) != 1 {
		t.Errorf("pids %v", pids)
	}
}

// Only the modes asked for run, and pids is present (empty) without processes.
func TestGoroutinesOnly(t *testing.T) {
	res, c := demotest.MustRun(t, poolprimes.New(), 100, "mode=goroutines", "numbers=15,17")
	m := demotest.Metrics[poolprimes.Metrics](t, res)
	if _, ok := m.Modes["goroutines"]; len(m.Modes) != 1 || !ok {
		t.Errorf("modes %v", m.Modes)
	}
	// Present and empty: the JSON says [], not null.
	if pids := m.Pids; pids == nil || len(pids) != 0 {
		t.Errorf("pids %#v without a process pool", pids)
	}
	// --workers defaults to 0: one worker per CPU.
	if w := m.Workers; w != min(runtime.NumCPU(), 64) {
		t.Errorf("default workers %v, want %d", w, runtime.NumCPU())
	}
	if ev := byMode(c); len(ev["sequential"])+len(ev["processes"]) != 0 || len(ev["goroutines"]) != 2 {
		t.Errorf("events by mode %v", ev)
	}
}

func TestBadNumbers(t *testing.T) {
	v := poolprimes.New().Bind()
	for _, s := range []string{"-1", "7,x", "", "7,,8", "1.5", "9223372036854775808"} {
		err := v.Set("numbers", s)
		if err == nil {
			t.Errorf("--numbers %q accepted", s)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("--numbers %q: error on several lines: %q", s, err)
		}
	}
}

// Total work is bounded up front, as in race, gil and pool sum: a thousand
// near-2⁶³ primes × 20 rounds (about 30 hours) is a usage error naming the
// knobs, while the long runs the tests interrupt still pass.
func TestTotalWorkBounded(t *testing.T) {
	big := strings.TrimSuffix(strings.Repeat("9223372036854775783,", 1000), ",")
	for _, tc := range []struct {
		knobs map[string]string
		ok    bool
	}{
		{map[string]string{"numbers": big, "rounds": "20"}, false},
		{map[string]string{"numbers": big, "rounds": "1", "mode": "sequential"}, false},
		{map[string]string{"numbers": strings.Repeat("9223372036854775783,", 30) + "2", "rounds": "3"}, false},
		{map[string]string{}, true}, // the cookbook's list
		{map[string]string{"numbers": strings.Repeat("9223372036854775783,", 15) + "2", "mode": "processes"}, true},
		{map[string]string{"numbers": "9223372036854775783", "rounds": "20"}, true},
	} {
		v := poolprimes.New().Bind()
		for k, val := range tc.knobs {
			if err := v.Set(k, val); err != nil {
				t.Fatalf("--%s: %v", k, err)
			}
		}
		err := v.Check()
		switch {
		case tc.ok && err != nil:
			t.Errorf("%.60v: refused: %v", tc.knobs, err)
		case !tc.ok && err == nil:
			t.Errorf("%.60v: accepted", tc.knobs)
		case !tc.ok:
			for _, knob := range []string{"--numbers", "--repeat", "--run-as"} {
				if !strings.Contains(err.Error(), knob) {
					t.Errorf("the error does not name %s: %v", knob, err)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one line: %q", err)
			}
		}
	}
}

// Ctrl-C in the middle of a long division ends the run promptly in every
// mode, worker processes included (TestMain checks no goroutine leaks).
func TestInterruptStopsTheWork(t *testing.T) {
	for _, mode := range []string{"sequential", "goroutines", "processes"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		begin := time.Now()
		// Several seconds of division per number if nothing stopped it.
		_, c, err := demotest.RunCtx(ctx, t, poolprimes.New(), 100, "mode="+mode, "workers=2",
			"numbers=9223372036854775783,9223372036854775783,9223372036854775783,9223372036854775783")
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Errorf("%s: err = %v, want interrupted", mode, err)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("%s: took %s to stop", mode, d)
		}
		if demotest.Index(c, "main", "this can take a while") < 0 {
			t.Errorf("%s: no warning that the work is long", mode)
		}
	}
}

// The cookbook's list, all modes: the scenario as the class sees it. On a
// machine with two or more CPUs the pools are normally faster, but a busy
// machine may say otherwise, so only the shape is checked here.
func TestCookbook(t *testing.T) {
	res, c := demotest.MustRun(t, poolprimes.New(), 100, "workers=2")
	results := demotest.Metrics[poolprimes.Metrics](t, res).Results
	primesFound := 0
	for _, r := range results {
		if r.Prime {
			primesFound++
		}
	}
	if len(results) != 6 || primesFound != 5 {
		t.Errorf("results %v", results)
	}
	if len(byMode(c)) != 3 || len(res.Tables) != 2 || !strings.HasPrefix(res.Verdict, "5 of 6 number(s) prime, the same answers in every mode") {
		t.Errorf("tables %d, verdict %q", len(res.Tables), res.Verdict)
	}
}
