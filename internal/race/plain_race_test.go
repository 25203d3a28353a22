//go:build race

package race

import "testing"

func TestPlainRefusedUnderRace(t *testing.T) {
	if _, err := Run(Job{Mode: Plain, Deltas: []int64{1}, Count: 1}); err == nil {
		t.Fatal("the plain data race must not run in a -race build")
	}
}
