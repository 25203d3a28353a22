package poolfutures_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolfutures"
)

// The test binary doubles as the pool's worker processes.
func TestMain(m *testing.M) { demotest.Main(m, poolfutures.New()) }
