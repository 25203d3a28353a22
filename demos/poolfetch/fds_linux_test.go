package poolfetch_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolfetch"
)

// A run closes every socket it opened: the server's listener and
// connections, and the client's, kept alive or not.
func TestNoSocketLeftOpen(t *testing.T) {
	demotest.NoFileLeft(t, func() { demotest.MustRun(t, poolfetch.New(), 100) })
}
