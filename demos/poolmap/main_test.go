package poolmap_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolmap"
)

func TestMain(m *testing.M) { demotest.Main(m, poolmap.New()) }
