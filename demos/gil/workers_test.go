package gil_test

import (
	"testing"
	"testing/synctest"

	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/internal/demotest"
)

// --workers: fewer workers than jobs overlap that many waits at a time.
// In fake time four waits on two workers take two waits; on one worker
// four, and the verdict says one worker overlaps nothing.
func TestWorkersInFakeTime(t *testing.T) {
	for _, c := range []struct {
		workers string
		want    float64 // ms of the concurrent ways' waits
	}{{"0", 1000}, {"4", 1000}, {"8", 1000}, {"2", 2000}, {"3", 2000}, {"1", 4000}} {
		synctest.Test(t, func(t *testing.T) {
			res, _ := demotest.MustRun(t, gil.New(), 1, "count=1000", "jobs=4", "workers="+c.workers)
			m := demotest.Metrics[gil.Metrics](t, res)
			if m.IO.SequentialMs != 4000 || m.IO.GILMs != c.want || m.IO.ParallelMs != c.want {
				t.Errorf("--workers %s: io %+v, want 4000 then %v twice", c.workers, m.IO, c.want)
			}
			if want := map[string]int{"0": 4, "8": 8}[c.workers]; want != 0 && m.Workers != want {
				t.Errorf("--workers %s: metrics say %d workers, want %d", c.workers, m.Workers, want)
			}
			if c.workers == "1" && (res.Observed || res.Hint != "--workers 0 (one per job)") {
				t.Errorf("--workers 1: %s (hint %q)", res.Verdict, res.Hint)
			}
		})
	}
}
