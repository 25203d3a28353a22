package echo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/echo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

// TestMain checks at exit that no test left a goroutine — a handler, a
// client, an accept loop — behind.
func TestMain(m *testing.M) { demotest.Main(m, echo.New()) }

// Every request gets exactly one reply, the request upper-cased; every
// client was connected at once with its own handler; all were loopback.
func TestEveryReplyIsTheUpperCasedRequest(t *testing.T) {
	res, c := demotest.MustRun(t, echo.New(), 10, "clients=50", "rounds=40")
	m := demotest.Metrics[echo.Metrics](t, res)
	if m.RoundTrips != 50*40 || m.WrongReplies != 0 || m.ClientErrors != 0 {
		t.Errorf("round trips %d, wrong %d, errors %d (%s)", m.RoundTrips, m.WrongReplies, m.ClientErrors, m.FirstError)
	}
	if m.PeakConns != 50 || m.Handlers != 50 || m.HandlersLeft != 0 {
		t.Errorf("peak %d, handlers %d, left %d", m.PeakConns, m.Handlers, m.HandlersLeft)
	}
	if m.Dials != 50 || m.OffMachine != 0 {
		t.Errorf("dials %d, off machine %d", m.Dials, m.OffMachine)
	}
	if m.Goroutines < 50 {
		t.Errorf("%d goroutines with 50 clients connected: want a handler each", m.Goroutines)
	}
	if !(m.P50Us > 0 && m.P50Us <= m.P99Us && m.P99Us <= m.MaxUs && m.PerSecond > 0) {
		t.Errorf("percentiles %v %v %v, rate %v", m.P50Us, m.P99Us, m.MaxUs, m.PerSecond)
	}
	// The shown exchanges are real ones: the reply is the request upper-cased.
	shown := 0
	for _, e := range c.Events {
		if e.Kind != ev.Recv {
			continue
		}
		shown++
		req, reply := e.Attrs["request"].(string), e.Attrs["reply"].(string)
		if !strings.HasPrefix(req, "count ") || reply != strings.ToUpper(req) {
			t.Errorf("%s: sent %q, got %q", e.Actor, req, reply)
		}
	}
	if shown != 3 {
		t.Errorf("%d exchanges shown, want 3", shown)
	}
	if res.Observed != (m.OSThreads < 50) {
		t.Errorf("observed %v with %d threads: %s", res.Observed, m.OSThreads, res.Verdict)
	}
}

// One client cannot outnumber the threads: the verdict says the lesson
// did not show, and why, although every reply was right.
func TestOneClientCannotShowIt(t *testing.T) {
	res, _ := demotest.MustRun(t, echo.New(), 10, "clients=1", "rounds=10")
	m := demotest.Metrics[echo.Metrics](t, res)
	if m.RoundTrips != 10 || m.WrongReplies != 0 {
		t.Errorf("metrics %+v", m)
	}
	if res.Observed || !strings.Contains(res.Verdict, "too few") || res.Hint != "--clients 100" {
		t.Errorf("observed %v: %s — %s", res.Observed, res.Verdict, res.Hint)
	}
}

// Total work is bounded, whatever the two knobs say separately.
func TestWorkIsBounded(t *testing.T) {
	if err := demotest.CheckErr(t, echo.New(), "clients=1000", "rounds=10000"); err == nil {
		t.Error("10 million round trips accepted")
	}
	if err := demotest.CheckErr(t, echo.New(), "clients=1000", "rounds=1000"); err != nil {
		t.Error(err)
	}
}

// Ctrl-C in the middle closes every connection and returns at once;
// goleak (TestMain) checks that nothing is left running.
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{time.Millisecond, 30 * time.Millisecond} {
		// Ctrl-C cancels the run's context (a deadline would race the
		// dialer's own timeout and read as a network error).
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(at, cancel)
		_, _, err := demotest.RunCtx(ctx, t, echo.New(), 10, "clients=200", "rounds=5000")
		cancel()
		if !errors.Is(err, demos.ErrInterrupted) {
			t.Errorf("interrupted after %v: err %v", at, err)
		}
	}
}
