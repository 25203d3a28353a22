//go:build !race

package race_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/race"
)

func TestPlainDataRaceRuns(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "plain", "workers=1000", "count=1")
	if m := demotest.Metrics[race.Metrics](t, res); m.Mode != "plain" {
		t.Errorf("metrics %+v", m)
	}
}
