package echo_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/echo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

// A run closes every socket it opened: the listener, the 2 × clients ends
// of the connections.
func TestNoSocketLeftOpen(t *testing.T) {
	demotest.NoFileLeft(t, func() { demotest.MustRun(t, echo.New(), 10, "clients=200", "rounds=5") })
}
