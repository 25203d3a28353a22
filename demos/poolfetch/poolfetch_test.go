package poolfetch_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolfetch"
	"github.com/pardemo/pardemo/internal/ev"
)

// TestMain checks at exit that no server, handler, client connection or
// pool worker was left running.
func TestMain(m *testing.M) { demotest.Main(m, poolfetch.New()) }

// The default run: four sizes, one unknown host, one timeout, in
// completion order; about the slowest, not the sum; only loopback dialled.
func TestFourSizesOneErrorOneTimeout(t *testing.T) {
	d := poolfetch.New()
	res, c := demotest.MustRun(t, d, 25)
	m := demotest.Metrics[poolfetch.Metrics](t, res)
	if m.Answered != 4 || m.NotFound != 1 || m.TimedOut != 1 || m.OtherErrors != 0 || !m.SizesMatch {
		t.Fatalf("metrics %+v", m)
	}
	if len(m.Fetches) != 6 {
		t.Fatalf("%d fetches", len(m.Fetches))
	}
	for i, f := range m.Fetches {
		if i > 0 && f.EndMs < m.Fetches[i-1].EndMs {
			t.Errorf("fetch %d (%s) ended at %v, before the one reported before it", i, f.URL, f.EndMs)
		}
		switch f.Outcome {
		case "page":
			if f.Bytes == 0 || f.Bytes != f.Served {
				t.Errorf("%s: %d bytes read, %d served", f.URL, f.Bytes, f.Served)
			}
		case "not found":
			if f.URL != "http://some-made-up-domain.com/" || !strings.Contains(f.Error, "no such host") || f.Served != 0 {
				t.Errorf("not found: %+v", f)
			}
		case "timeout":
			if f.URL != "http://www.bbc.co.uk/slow" || f.Served != 0 {
				t.Errorf("timeout: %+v", f)
			}
		}
	}
	// The slow page is the last to complete, and the total is about it.
	if last := m.Fetches[5]; last.Outcome != "timeout" {
		t.Errorf("last to complete: %+v", last)
	}
	if m.SumMs < 2*m.SlowestMs || m.TotalMs > m.SumMs/2 {
		t.Errorf("total %v, slowest %v, sum %v", m.TotalMs, m.SlowestMs, m.SumMs)
	}
	if m.PeakInFlight != 5 || m.OffMachine != 0 || m.Dials < 5 {
		t.Errorf("peak %d, off machine %d, dials %d", m.PeakInFlight, m.OffMachine, m.Dials)
	}
	if !res.Observed {
		t.Errorf("not observed: %s — %s", res.Verdict, res.Hint)
	}
	if got := demotest.Knobs(t, d).Classify(res); got.Class != demos.Interesting {
		t.Errorf("outcome %+v", got)
	}
	// Each worker announced its GET, and main reported each result.
	gets, results := 0, 0
	for _, e := range c.Events {
		switch {
		case e.Kind == ev.Start && strings.HasPrefix(e.Msg, "GET "):
			gets++
		case e.Actor == "main" && (e.Kind == ev.Recv || e.Kind == ev.Warn):
			results++
		}
	}
	if gets != 6 || results != 6 {
		t.Errorf("%d GETs, %d results", gets, results)
	}
}

// One worker: the fetches run one after another, the total is the sum,
// and the verdict says the lesson did not show.
func TestOneWorkerIsTheSum(t *testing.T) {
	d := poolfetch.New()
	res, _ := demotest.MustRun(t, d, 100, "workers=1")
	m := demotest.Metrics[poolfetch.Metrics](t, res)
	if m.PeakInFlight != 1 || res.Observed || !strings.Contains(res.Hint, "--workers 5") {
		t.Errorf("peak %d, observed %v: %s — %s", m.PeakInFlight, res.Observed, res.Verdict, res.Hint)
	}
	if m.TotalMs < 0.9*m.SumMs {
		t.Errorf("total %v, sum %v", m.TotalMs, m.SumMs)
	}
	if got := demotest.Knobs(t, d, "workers=1").Classify(res); got.Name != "about the sum" {
		t.Errorf("outcome %+v", got)
	}
}

// A timeout shorter than the pages cuts them off too; one longer than the
// slow page cuts off nothing. Neither shows the lesson.
func TestTimeoutTooShortOrTooLong(t *testing.T) {
	d := poolfetch.New()
	res, _ := demotest.MustRun(t, d, 200, "timeout=0.5")
	m := demotest.Metrics[poolfetch.Metrics](t, res)
	if m.Answered != 0 || m.TimedOut != 5 || res.Observed || !strings.HasPrefix(res.Hint, "--timeout 10") {
		t.Errorf("answered %d, timed out %d: %s — %s", m.Answered, m.TimedOut, res.Verdict, res.Hint)
	}
	res, _ = demotest.MustRun(t, d, 100, "timeout=40")
	m = demotest.Metrics[poolfetch.Metrics](t, res)
	if m.Answered != 5 || m.TimedOut != 0 || res.Observed || !strings.Contains(res.Verdict, "nothing was cut off") {
		t.Errorf("answered %d, timed out %d: %s", m.Answered, m.TimedOut, res.Verdict)
	}
}

// Ctrl-C while the fetches wait ends the run at once, with nothing left
// behind (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := demotest.RunCtx(ctx, t, poolfetch.New(), 1)
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Errorf("err %v", err)
	}
}
