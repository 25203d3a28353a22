//go:build !race

package race_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/race"
)

func TestPlainDataRaceRuns(t *testing.T) {
	res, _ := demotest.MustRun(t, race.New(), 10, "plain", "workers=1000", "count=1")
	if res.Metrics["mode"] != "plain" {
		t.Errorf("metrics %v", res.Metrics)
	}
}
