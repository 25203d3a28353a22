package poolmap

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
)

// A broken promise, injected, fails the verdict and is forbidden.
func TestBrokenPromises(t *testing.T) {
	good := Metrics{Workers: 2, Items: 3, PeakRunning: 2, Waited: 1, CallbacksInSubmitter: 4, ApplyValue: 49, ApplyBlockedS: 2.01,
		Map: []int{0, 1, 4}, MapAsync: []int{0, 1, 4}, MapAsyncReturnS: 0.001, MapAsyncDoneS: 2}
	if res := conclude(good); !res.Observed || len(broken(good)) != 0 {
		t.Fatalf("good run: %v %q", res.Observed, res.Verdict)
	}
	for name, c := range map[string]struct {
		edit func(*Metrics)
		want string
	}{
		"too many at once":   {func(m *Metrics) { m.PeakRunning = 3 }, "3 tasks ran at once on 2 workers"},
		"callback in worker": {func(m *Metrics) { m.CallbacksInWorker, m.CallbacksInSubmitter = 1, 3 }, "ran outside the submitter"},
		"apply did not wait": {func(m *Metrics) { m.ApplyBlockedS = 0.5 }, "apply returned 49 after 0.50"},
		"map out of order":   {func(m *Metrics) { m.Map = []int{0, 4, 1} }, "map gave [0 4 1]"},
		"map_async blocked":  {func(m *Metrics) { m.MapAsyncReturnS = 2 }, "map_async returned after 2.00"},
	} {
		m := good
		m.Map, m.MapAsync = append([]int(nil), good.Map...), append([]int(nil), good.MapAsync...)
		c.edit(&m)
		res := conclude(m)
		if res.Observed || !strings.Contains(res.Verdict, c.want) || New().Bind().Classify(res).Class != demos.Forbidden {
			t.Errorf("%s: observed %v, verdict %q", name, res.Observed, res.Verdict)
		}
	}
}
