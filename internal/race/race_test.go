package race

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func pair(int) []int64 { return []int64{1, -1} }

func crowd(n int) []int64 {
	d := make([]int64, n)
	for i := range d {
		d[i] = 1
	}
	return d
}

// The protected counters never lose an update, whatever the window.
func TestProtectedModesAreExact(t *testing.T) {
	for _, mode := range []Mode{Mutex, Atomic, Channel} {
		for _, w := range []Window{NoWindow, Spin, Yield} {
			for _, deltas := range [][]int64{pair(2), crowd(8), crowd(200)} {
				j := Job{Mode: mode, Window: w, Deltas: deltas, Count: 2000}
				got, err := Run(context.Background(), j)
				var want int64
				for _, d := range deltas {
					want += d * int64(j.Count)
				}
				if err != nil || got != want {
					t.Errorf("%s/%s/%d workers: got %d, want %d (err %v)", mode, w, len(deltas), got, want, err)
				}
			}
		}
	}
}

// The unprotected counter loses updates when the read-modify-write window
// is widened the way the scenario does. The crowd form with a yield loses
// in practically every run, even on a loaded machine; five tries make a
// false failure vanishingly rare while a counter that never loses (say, one
// accidentally protected) still fails the test.
func TestUnprotectedLosesUpdates(t *testing.T) {
	for try := range 5 {
		got, err := Run(context.Background(), Job{Mode: None, Window: Yield, Deltas: crowd(1000), Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got < 1000 {
			return
		}
		t.Logf("try %d: no update lost", try+1)
	}
	t.Fatal("the unprotected counter never lost an update in 5 runs")
}

func TestBeatIsCalled(t *testing.T) {
	for _, mode := range []Mode{None, Mutex, Atomic, Channel} {
		beats := 0
		// One worker, so Beat is never called concurrently here.
		if _, err := Run(context.Background(), Job{Mode: mode, Window: NoWindow, Deltas: []int64{1}, Count: 3 * stride, Beat: func() { beats++ }}); err != nil {
			t.Fatal(err)
		}
		if beats < 3 {
			t.Errorf("%s: %d beats for %d updates", mode, beats, 3*stride)
		}
	}
}

func TestUnknownMode(t *testing.T) {
	if _, err := Run(context.Background(), Job{Mode: "bogus", Deltas: []int64{1}, Count: 1}); err == nil {
		t.Fatal("want an error")
	}
}

// BenchmarkUpdate measures the cost of one update per mode with the two
// workers of the cookbook (adder and subtractor): ns/op is ns per update,
// the figure `pardemo race` prints as ns_per_update.
func BenchmarkUpdate(b *testing.B) {
	modes := []Mode{None, Mutex, Atomic, Channel}
	if PlainAvailable {
		modes = append(modes, Plain)
	}
	for _, mode := range modes {
		for _, w := range []Window{NoWindow, Spin} {
			if mode == Atomic && w == Spin {
				continue // one instruction: there is no window to widen
			}
			b.Run(fmt.Sprintf("%s/window=%s", mode, w), func(b *testing.B) {
				if _, err := Run(context.Background(), Job{Mode: mode, Window: w, Deltas: pair(2), Count: max(b.N/2, 1)}); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// A context that has already ended stops even a very long run at once,
// and Run says why with the context's cause.
func TestCancelledContextStopsWorkers(t *testing.T) {
	why := errors.New("stopped by the test")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(why)
	for _, mode := range modes() {
		_, err := Run(ctx, Job{Mode: mode, Window: Spin, Deltas: pair(2), Count: 1 << 40})
		if !errors.Is(err, why) {
			t.Errorf("%s: err = %v, want the context's cause", mode, err)
		}
	}
}

// modes are the modes this build can run.
func modes() []Mode {
	ms := []Mode{None, Mutex, Atomic, Channel}
	if PlainAvailable {
		ms = append(ms, Plain)
	}
	return ms
}

// Issue 14: workers used to look at the context only every 16,384 of their
// own updates, so a crowd of workers with fewer updates each never looked
// after their first, and Ctrl-C waited for the whole run (seconds with
// 10,000 × 25,000). Now a cancelled run returns promptly whatever the
// split, including workers queued on the mutex or on the owner's channel,
// and with a yielding window, where every worker is under way at once.
func TestStopsPromptlyWhateverTheSplit(t *testing.T) {
	promptly := 300 * time.Millisecond
	if !PlainAvailable {
		// A -race build: the detector slows every lock and channel
		// operation many times over (the old code took seconds even without it).
		promptly = 2 * time.Second
	}
	for _, mode := range modes() {
		for _, w := range []Window{Spin, Yield} {
			ctx, cancel := context.WithCancel(context.Background())
			var cancelled atomic.Int64
			timer := time.AfterFunc(20*time.Millisecond, func() { cancelled.Store(time.Now().UnixNano()); cancel() })
			_, err := Run(ctx, Job{Mode: mode, Window: w, Deltas: crowd(1000), Count: 10_000})
			returned := time.Now()
			timer.Stop()
			cancel()
			if err == nil {
				t.Errorf("%s/%s: finished 10,000,000 updates before the cancel at 20ms", mode, w)
				continue
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s/%s: err = %v, want context.Canceled", mode, w, err)
			}
			late := returned.Sub(time.Unix(0, cancelled.Load()))
			t.Logf("%s/%s: returned %v after the cancel", mode, w, late)
			if late > promptly {
				t.Errorf("%s/%s: returned %v after the cancel, want within %v", mode, w, late, promptly)
			}
		}
	}
}

// Issue 14, the other half: a worker never does more than 1,024 of its
// own updates without a beat (in fact stride), however the work is split.
// 100 workers × 10,000 updates each used to beat 100 times in all, once
// per worker at its start, so a run through the channel owner went silent
// for nearly its whole length and the watchdog ended valid runs (the
// scenario's TestManySmallWorkersOutliveTheWatchdog shows that).
func TestBeatsWhateverTheSplit(t *testing.T) {
	const workers, count, most = 100, 10_000, 1024
	for _, mode := range modes() {
		var beats atomic.Int64
		if _, err := Run(context.Background(), Job{Mode: mode, Window: NoWindow, Deltas: crowd(workers), Count: count, Beat: func() { beats.Add(1) }}); err != nil {
			t.Fatal(err)
		}
		if want := workers * ((count + most - 1) / most); beats.Load() < int64(want) {
			t.Errorf("%s: %d beats, want at least %d: one per %d updates of each worker", mode, beats.Load(), want, most)
		}
	}
}
