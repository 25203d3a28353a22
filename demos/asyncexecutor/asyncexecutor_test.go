package asyncexecutor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/asyncexecutor"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asyncexecutor.New()) }

func TestSumSquares(t *testing.T) {
	for _, tc := range []struct {
		from, to int64
		hi, lo   uint64
	}{{0, 2, 0, 1}, {0, 4, 0, 14}, {2, 4, 0, 13}, {5, 3, 0, 0}, {0, 10_000_000, 18, 333333283333335000000 - 18<<64}} {
		if hi, lo := asyncexecutor.SumSquares(tc.from, tc.to); hi != tc.hi || lo != tc.lo {
			t.Errorf("[%d, %d): %d, %d", tc.from, tc.to, hi, lo)
		}
	}
}

// A real run: with executors the ticker is free, on the loop it stalls
// for as long as the calls held it.
func TestBothPhases(t *testing.T) {
	res, c := demotest.MustRun(t, asyncexecutor.New(), 10, "io-mib=64")
	m := demotest.Metrics[asyncexecutor.Metrics](t, res)
	if !m.SumOK || m.SumSquares != "333333283333335000000" || m.IOBytes != 64<<20 || m.Executor == nil || len(m.WorkerPids) != 1 {
		t.Fatalf("metrics %+v", m)
	}
	if m.Blocking.MaxGap < m.Blocking.BlockedS || m.Executor.BlockedS != 0 {
		t.Errorf("blocking %+v executor %+v", m.Blocking, *m.Executor)
	}
	t.Logf("%s (observed %v)", res.Verdict, res.Observed)
	if demotest.Index(c, "pool [pid", "") < 0 && len(m.WorkerPids) == 0 {
		t.Error("no pool worker")
	}
}

func TestNoExecutor(t *testing.T) {
	res, _ := demotest.MustRun(t, asyncexecutor.New(), 10, "no-executor", "io-mib=64")
	m := demotest.Metrics[asyncexecutor.Metrics](t, res)
	if m.Executor != nil || len(m.WorkerPids) != 0 || !m.SumOK {
		t.Errorf("metrics %+v", m)
	}
	if m.Blocking.MaxGap < m.Blocking.BlockedS {
		t.Errorf("the loop was held %v but the largest gap was %v", m.Blocking.BlockedS, m.Blocking.MaxGap)
	}
}

// The verdict: a short block is "too short to see", late ticks with
// executors are a busy machine, a tick during a hold is forbidden.
func TestVerdictCanFail(t *testing.T) {
	b := demotest.Knobs(t, asyncexecutor.New())
	good := func() asyncexecutor.Metrics {
		return asyncexecutor.Metrics{SumOK: true, MaxHolders: 1, Tolerance: 0.15,
			Executor: &asyncexecutor.Phase{MaxGap: 0.11}, Blocking: asyncexecutor.Phase{BlockedS: 2, MaxGap: 2.05}}
	}
	for _, tc := range []struct {
		change func(*asyncexecutor.Metrics)
		class  string
	}{
		{func(m *asyncexecutor.Metrics) {}, "interesting"},
		{func(m *asyncexecutor.Metrics) { m.Blocking = asyncexecutor.Phase{BlockedS: 0.05, MaxGap: 0.12} }, "acceptable"},
		{func(m *asyncexecutor.Metrics) { m.Executor.MaxGap = 0.5 }, "acceptable"},
		{func(m *asyncexecutor.Metrics) { m.Blocking.MaxGap = 0.5 }, "forbidden"},
		{func(m *asyncexecutor.Metrics) { m.SumOK = false }, "forbidden"},
	} {
		m := good()
		tc.change(&m)
		if got := b.Classify(ev.Result{Metrics: m}); string(got.Class) != tc.class {
			t.Errorf("%+v classed %s, want %s", m, got.Class, tc.class)
		}
	}
}

// Ctrl-C in either phase ends the run with ErrInterrupted, the worker
// process reaped and no goroutine left (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{20 * time.Millisecond, 60 * time.Millisecond, 250 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), at)
		_, _, err := demotest.RunCtx(ctx, t, asyncexecutor.New(), 10, "io-mib=64")
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Errorf("interrupted at %v: err %v", at, err)
		}
	}
}
