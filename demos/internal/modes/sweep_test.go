package modes_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/modes"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestPoolWays(t *testing.T) {
	want := []string{modes.Goroutines, modes.Processes}
	if proc.Supported() != nil {
		want = want[:1]
	}
	if got := modes.PoolWays("all"); !slices.Equal(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	if got := modes.PoolWays(modes.Sequential); len(got) != 0 {
		t.Errorf("sequential: %v", got)
	}
	if got := modes.PoolWays(modes.Processes); !slices.Equal(got, []string{modes.Processes}) {
		t.Errorf("processes: %v", got)
	}
	if d, ok := modes.SweepTime(modes.Metrics{ComputeMs: 1.5}, true); !ok || d != 1500*time.Microsecond {
		t.Errorf("SweepTime = %v %v", d, ok)
	}
	if _, ok := modes.SweepTime(modes.Metrics{ComputeMs: 1.5}, false); ok {
		t.Errorf("SweepTime of a mode that did not run is ok")
	}
}
