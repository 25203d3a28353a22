package poolfetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

// good is a run at --speed 10 in which every claim held: four pages of
// 1–4 story-seconds, the unknown host, the slow page cut at 10.
func good() Metrics {
	return Metrics{Workers: 5, TimeoutS: 10, Answered: 4, NotFound: 1, TimedOut: 1, SizesMatch: true,
		TimeoutMs: 1000, CutMs: 1001, TotalMs: 1003, SlowestMs: 1001, SumMs: 2000, PeakInFlight: 5, Dials: 5,
		Fetches: []Fetch{
			{URL: "http://some-made-up-domain.com/", Outcome: "not found", EndMs: 1},
			{URL: "http://www.cnn.com/", Outcome: "page", Bytes: 10, Served: 10, EndMs: 100},
			{URL: "http://www.bbc.co.uk/slow", Outcome: "timeout", LatencyS: 30, StartMs: 1, EndMs: 1002},
		}}
}

// Each broken claim fails the verdict for its own reason, and the declared
// outcome agrees.
func TestVerdictFailsOnEveryBrokenClaim(t *testing.T) {
	res := conclude(good(), 10)
	if !res.Observed || classify(good()) != "4 sizes, 1 error, 1 cut" {
		t.Fatalf("good run: %v %s (%s)", res.Observed, res.Verdict, classify(good()))
	}
	for _, tc := range []struct {
		name    string
		break_  func(m *Metrics)
		says    string
		outcome string
	}{
		{"the total is the sum", func(m *Metrics) { m.TotalMs = 2000 }, "towards the sum", "about the sum"},
		{"fewer in flight than the pool", func(m *Metrics) { m.PeakInFlight = 3 }, "only 3 request(s) were in flight at once", "about the sum"},
		{"over the pool", func(m *Metrics) { m.PeakInFlight = 6 }, "6 requests in flight at once from a pool of 5", "over the pool"},
		{"a size differs", func(m *Metrics) { m.SizesMatch = false }, "a size differs", "broken fetch"},
		{"no unknown host", func(m *Metrics) { m.NotFound = 0 }, "0 unknown host(s)", "no unknown host"},
		{"cut off too soon", func(m *Metrics) { m.Fetches[1].Outcome, m.Fetches[1].LatencyS = "timeout", 3 }, "could not keep the pace", "too fast"},
		{"a page cut off", func(m *Metrics) { m.Answered, m.TimedOut = 3, 2 }, "only 3 of 4 pages", "pages cut off"},
		{"nothing cut off", func(m *Metrics) { m.Answered, m.TimedOut = 5, 0 }, "nothing was cut off", "nothing cut off"},
		{"cut off late", func(m *Metrics) { m.CutMs = 1500 }, "not at its timeout", "cut off off time"},
		{"cut off early", func(m *Metrics) { m.CutMs = 900 }, "not at its timeout", "cut off off time"},
		{"off the machine", func(m *Metrics) { m.OffMachine = 1 }, "off this machine", "off machine"},
	} {
		m := good()
		tc.break_(&m)
		res := conclude(m, 10)
		if res.Observed || !strings.Contains(res.Verdict, tc.says) || res.Hint == "" {
			t.Errorf("%s: observed %v: %s — %s", tc.name, res.Observed, res.Verdict, res.Hint)
		}
		if got := classify(m); got != tc.outcome {
			t.Errorf("%s: outcome %q, want %q", tc.name, got, tc.outcome)
		}
	}
}

func classify(m Metrics) string {
	for _, o := range outcomes {
		if o.When(&Options{}, m) {
			return o.Name
		}
	}
	return ""
}

// Errors are sorted as the lesson names them, through any wrapping.
func TestOutcomeOf(t *testing.T) {
	dns := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}
	for err, want := range map[error]string{
		nil:                        "page",
		fmt.Errorf("get: %w", dns): "not found",
		fmt.Errorf("get: %w", context.DeadlineExceeded): "timeout",
		errors.New("connection refused"):                "error",
		&net.DNSError{Err: "server misbehaving"}:        "error",
	} {
		if got := outcomeOf(err); got != want {
			t.Errorf("%v: %s, want %s", err, got, want)
		}
	}
}
