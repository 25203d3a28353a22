//go:build !race

package race

import (
	"context"
	"testing"
)

// The plain data race is only compiled without -race; there it runs and,
// with a yielding window, loses updates like the atomic split does.
func TestPlainLosesUpdates(t *testing.T) {
	for range 5 {
		got, err := Run(context.Background(), Job{Mode: Plain, Window: Yield, Deltas: crowd(1000), Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got < 1000 {
			return
		}
	}
	t.Fatal("the plain counter never lost an update in 5 runs")
}
