//go:build race

package race

import (
	"context"
	"testing"
)

func TestPlainRefusedUnderRace(t *testing.T) {
	if _, err := Run(context.Background(), Job{Mode: Plain, Deltas: []int64{1}, Count: 1}); err == nil {
		t.Fatal("the plain data race must not run in a -race build")
	}
}
