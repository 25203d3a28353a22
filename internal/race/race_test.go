package race

import (
	"fmt"
	"testing"

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
				got, err := Run(j)
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
		got, err := Run(Job{Mode: None, Window: Yield, Deltas: crowd(1000), Count: 1})
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
		if _, err := Run(Job{Mode: mode, Window: NoWindow, Deltas: []int64{1}, Count: 3 * beatEvery, Beat: func() { beats++ }}); err != nil {
			t.Fatal(err)
		}
		if beats < 3 {
			t.Errorf("%s: %d beats for %d updates", mode, beats, 3*beatEvery)
		}
	}
}

func TestUnknownMode(t *testing.T) {
	if _, err := Run(Job{Mode: "bogus", Deltas: []int64{1}, Count: 1}); err == nil {
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
				if _, err := Run(Job{Mode: mode, Window: w, Deltas: pair(2), Count: max(b.N/2, 1)}); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// Closing Done stops even a very long run promptly.
func TestDoneStopsWorkers(t *testing.T) {
	done := make(chan struct{})
	close(done)
	for _, mode := range []Mode{None, Mutex, Atomic, Channel} {
		_, err := Run(Job{Mode: mode, Window: Spin, Deltas: pair(2), Count: 1 << 40, Done: done})
		if err != ErrStopped {
			t.Errorf("%s: err = %v, want ErrStopped", mode, err)
		}
	}
}
