package poolsum_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolsum"
)

// The test binary doubles as the child processes.
func TestMain(m *testing.M) { demotest.Main(m, poolsum.New()) }

// Every mode's sum equals the formula, for sizes that do and do not divide
// evenly into the slices, and for one number per worker.
func TestSumsMatchFormula(t *testing.T) {
	for _, c := range []struct{ n, workers int64 }{{1, 1}, {8, 8}, {1_000_003, 8}, {999, 7}, {2_000_000, 3}} {
		res, cap := demotest.MustRun(t, poolsum.New(), 100, fmt.Sprint("n=", c.n), fmt.Sprint("workers=", c.workers), "rounds=2")
		want := poolsum.Formula(c.n)
		m := demotest.Metrics[poolsum.Metrics](t, res)
		if m.Sum != want || m.Expected != want || m.N != c.n || int64(m.Workers) != c.workers || m.Rounds != 2 {
			t.Errorf("n=%d: sum %v, expected %v, verdict %q", c.n, m.Sum, m.Expected, res.Verdict)
		}
		for _, mode := range []string{"sequential", "goroutines", "processes"} {
			mm, ok := m.Modes[mode]
			if !ok || mm.Sum != want || len(mm.RoundsMs) != 2 {
				t.Errorf("n=%d: %s = %+v", c.n, mode, mm)
			}
			// Only the processes are spawned, afresh every round.
			if sp := mm.SpawnMs; (mode == "processes") != (len(sp) == 2) || (mode != "processes" && sp != nil) {
				t.Errorf("n=%d: %s spawn_ms %v", c.n, mode, sp)
			}
		}
		// The slices reported by the goroutines and by the children are
		// contiguous and cover 1..n exactly once.
		for _, who := range []string{"worker-", "sum-"} {
			var slices [][3]int64 // lo, hi, sum
			for _, e := range cap.Events {
				if strings.HasPrefix(e.Actor, who) {
					slices = append(slices, [3]int64{asInt64(e.Attrs["lo"]), asInt64(e.Attrs["hi"]), asInt64(e.Attrs["sum"])})
				}
			}
			sort.Slice(slices, func(a, b int) bool { return slices[a][0] < slices[b][0] })
			if len(slices) != int(c.workers) {
				t.Errorf("n=%d: %d %s slices reported, want %d", c.n, len(slices), who, c.workers)
			}
			next := int64(1)
			var total int64
			for _, sl := range slices {
				if sl[0] != next || sl[1] < sl[0] || sl[2] != poolsum.Formula(sl[1])-poolsum.Formula(sl[0]-1) {
					t.Errorf("n=%d %s: slice %v does not continue at %d or sums wrong", c.n, who, sl, next)
				}
				next = sl[1] + 1
				total += sl[2]
			}
			if next != c.n+1 || total != want {
				t.Errorf("n=%d: %s slices end at %d and add to %d", c.n, who, next-1, total)
			}
		}
	}
}

// JSON numbers from a child arrive as float64; the parent's own as int64.
func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case int:
		return int64(x)
	}
	panic(fmt.Sprintf("not a number: %T", v))
}

// Each child reports in its own voice, with its own pid, never this one's.
func TestChildrenReport(t *testing.T) {
	_, c := demotest.MustRun(t, poolsum.New(), 100, "mode=processes", "workers=3", "n=3000", "rounds=1")
	seen := 0
	for _, e := range c.Events {
		if !strings.HasPrefix(e.Actor, "sum-") {
			continue
		}
		seen++
		pid, ok := e.Attrs["pid"].(int)
		if !ok || pid == os.Getpid() || !strings.Contains(e.Actor, fmt.Sprintf("[pid %d]", pid)) {
			t.Errorf("%s reported with pid %v", e.Actor, e.Attrs["pid"])
		}
	}
	if seen != 3 {
		t.Errorf("%d child reports, want 3", seen)
	}
}

func TestSumBoundaries(t *testing.T) {
	// n(n+1)/2, and so every partial sum, fits in an int64 up to the
	// largest n, although n(n+1) does not: Formula against math/big.
	for _, n := range []int64{1, 2, 3, 100_000_000, 3_037_000_499, 3_037_000_500, 3_999_999_999, 4_000_000_000} {
		exact := new(big.Int).Mul(big.NewInt(n), big.NewInt(n+1))
		exact.Rsh(exact, 1)
		if !exact.IsInt64() || exact.Int64() != poolsum.Formula(n) {
			t.Errorf("Formula(%d) = %d, exactly %s", n, poolsum.Formula(n), exact)
		}
	}
	d := poolsum.New()
	v := d.Bind()
	for name, val := range map[string]string{"n": "4000000001", "workers": "65", "rounds": "0"} {
		if err := v.Set(name, val); err == nil {
			t.Errorf("--%s %s accepted", name, val)
		}
	}
	if err := demotest.CheckErr(t, d, "n=5", "workers=8"); err == nil {
		t.Error("more workers than numbers accepted")
	}
	if err := demotest.CheckErr(t, d, "n=4000000000", "rounds=20"); err == nil {
		t.Error("--n 4e9 --rounds 20 accepted")
	}
	if err := demotest.CheckErr(t, d, "n=4000000000", "rounds=3"); err != nil {
		t.Errorf("--n 4e9 --rounds 3 refused: %v", err)
	}
}

func TestSumStops(t *testing.T) {
	calls := 0
	if _, ok := poolsum.Sum(1, 1<<30, func() bool { calls++; return calls < 2 }); ok || calls != 2 {
		t.Errorf("ok %v after %d calls", ok, calls)
	}
	if s, ok := poolsum.Sum(10, 20, nil); !ok || s != 165 {
		t.Errorf("Sum(10..20) = %d, %v", s, ok)
	}
}

// Ctrl-C ends a long sum promptly in every mode, children included.
func TestInterrupt(t *testing.T) {
	for _, mode := range []string{"sequential", "goroutines", "processes"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		begin := time.Now()
		_, _, err := demotest.RunCtx(ctx, t, poolsum.New(), 100, "mode="+mode, "n=4000000000", "workers=2", "rounds=3")
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Errorf("%s: err = %v, want interrupted", mode, err)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("%s: took %s to stop", mode, d)
		}
	}
}

// Without a sequential run no speedup is claimed; the sum is still checked.
func TestOneMode(t *testing.T) {
	res, _ := demotest.MustRun(t, poolsum.New(), 100, "mode=goroutines", "n=1000", "workers=4", "rounds=1")
	ms := demotest.Metrics[poolsum.Metrics](t, res).Modes
	if len(ms) != 1 || res.Observed || !strings.HasPrefix(res.Hint, "--run-as all") || !strings.Contains(res.Verdict, "500,500 = n(n+1)/2") {
		t.Errorf("modes %v, verdict %q, hint %q", ms, res.Verdict, res.Hint)
	}
	if g, ok := ms["goroutines"]; !ok || g.Speedup != nil || g.Efficiency != nil {
		t.Errorf("speedup without a sequential run: %+v", g)
	}
}

// The JSON keeps its shape: each mode's object has the shared keys of
// every pool scenario side by side with its own (the embedded struct is
// flattened), and only the processes have spawn_ms.
func TestModesJSON(t *testing.T) {
	res, _ := demotest.MustRun(t, poolsum.New(), 100, "n=1000", "workers=2", "rounds=1")
	raw, err := json.Marshal(res.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Modes map[string]map[string]any `json:"modes"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	shared := []string{"workers", "wall_ms", "startup_ms", "compute_ms", "rounds_ms", "ceiling", "speedup", "efficiency", "judged", "sum"}
	for _, mode := range []string{"sequential", "goroutines", "processes"} {
		m := got.Modes[mode]
		want := slices.Clone(shared)
		if mode == "processes" {
			want = append(want, "spawn_ms")
		}
		keys := slices.Sorted(maps.Keys(m))
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Errorf("%s keys %v, want %v", mode, keys, want)
		}
	}
}
