package poolmap_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolmap"
)

// One more task than workers: the extra one starts at or after the first
// finish, never more than workers run at once, every callback runs in the
// submitter, and the maps keep input order.
func TestExtraTaskWaits(t *testing.T) {
	for _, knobs := range [][]string{{"workers=2"}, {"workers=3", "items=7"}, {}} {
		d := poolmap.New()
		res, c := demotest.MustRun(t, d, 200, knobs...)
		demotest.CheckMetrics(t, d, res)
		m := demotest.Metrics[poolmap.Metrics](t, res)
		if !res.Observed || m.Waited < m.Items-m.Workers || m.PeakRunning > m.Workers || m.PeakRunning < 1 {
			t.Errorf("%v: observed %v, waited %d, peak %d: %q", knobs, res.Observed, m.Waited, m.PeakRunning, res.Verdict)
		}
		if len(m.Tasks) != m.Items {
			t.Fatalf("%v: %d tasks, want %d", knobs, len(m.Tasks), m.Items)
		}
		// The measurement itself: the last task to start started no
		// earlier than the first finish.
		last, first := 0.0, -1.0
		for _, tk := range m.Tasks {
			last = max(last, tk.StartS)
			if first < 0 || tk.EndS < first {
				first = tk.EndS
			}
		}
		if last < first || first != m.FirstFinishS {
			t.Errorf("%v: last start %.3f before first finish %.3f (%v)", knobs, last, first, m.FirstFinishS)
		}
		if m.CallbacksInWorker != 0 || m.CallbacksInSubmitter != m.Items+1 || m.SubmitterGoroutine == 0 {
			t.Errorf("%v: callbacks in submitter %d, in worker %d", knobs, m.CallbacksInSubmitter, m.CallbacksInWorker)
		}
		for _, tk := range m.Tasks {
			if tk.Goroutine == m.SubmitterGoroutine || !strings.HasPrefix(tk.Worker, "worker-") {
				t.Errorf("task %+v ran in the submitter", tk)
			}
		}
		if m.ApplyValue != 49 || m.ApplyBlockedS < 2 || len(m.Map) != m.Items || m.Map[2] != 4 || len(m.MapAsync) != m.Items ||
			m.MapAsyncReturnS >= m.MapAsyncDoneS {
			t.Errorf("%v: %+v", knobs, m)
		}
		if out := demotest.Knobs(t, d, knobs...).Classify(res); out.Name != "extra task waited" {
			t.Errorf("%v: outcome %+v", knobs, out)
		}
		if demotest.Index(c, "main", "submitted") < 0 {
			t.Errorf("no submit line")
		}
	}
}

// Fewer tasks than workers: nobody waits, and the verdict says the lesson
// did not show, naming the knob that shows it.
func TestNobodyWaits(t *testing.T) {
	d := poolmap.New()
	res, _ := demotest.MustRun(t, d, 200, "workers=4", "items=2")
	m := demotest.Metrics[poolmap.Metrics](t, res)
	if res.Observed || m.Waited != 0 || res.Hint != "--items 5 (one more than the workers)" {
		t.Errorf("observed %v, waited %d, hint %q", res.Observed, m.Waited, res.Hint)
	}
	if out := demotest.Knobs(t, d, "workers=4", "items=2").Classify(res); out.Class != demos.Acceptable {
		t.Errorf("outcome %+v", out)
	}
}

// Ctrl-C ends the story promptly, in the middle of a nap.
func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	begin := time.Now()
	_, _, err := demotest.RunCtx(ctx, t, poolmap.New(), 1, "workers=2")
	cancel()
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Errorf("err = %v, want interrupted", err)
	}
	if d := time.Since(begin); d > 3*time.Second {
		t.Errorf("took %s to stop", d)
	}
}

// With no more tasks than workers nobody waits for a worker, even when one
// task starts only after another's short nap ended (seen on a loaded
// machine: it was counted as waiting).
func TestFewTasksNeverWait(t *testing.T) {
	for i := range 10 {
		res, _ := demotest.MustRun(t, poolmap.New(), 2000, "workers=4", "items=2")
		if m := demotest.Metrics[poolmap.Metrics](t, res); m.Waited != 0 || res.Observed {
			t.Errorf("run %d: %d waited, lesson %v", i, m.Waited, res.Observed)
		}
	}
}
