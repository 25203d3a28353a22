package echo_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/echo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswerReadsTheThreads(t *testing.T) {
	d := echo.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		conns, threads, choice int
	}{{100, 9, 1}, {100, 104, 0}, {100, 1, 2}, {1, 6, 0}, {0, 6, -1}} {
		m := echo.Metrics{Clients: 100, PeakConns: c.conns, OSThreads: c.threads, GOMAXPROCS: 2}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.choice {
			t.Errorf("%d conns on %d threads: choice %d (%s), want %d", c.conns, c.threads, rev[0].Choice, rev[0].Measured, c.choice)
		}
	}
}

// A real run: 100 connections, far more than the threads the runtime
// makes; one client cannot outnumber them, and the answer says so.
func TestQuizFromARealRun(t *testing.T) {
	d := echo.New()
	for _, c := range []struct {
		knobs  []string
		choice int
	}{{[]string{"clients=100", "rounds=20"}, 1}, {[]string{"clients=1", "rounds=10"}, 0}} {
		res, _ := demotest.MustRun(t, d, 10, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		if rev[0].Choice != c.choice {
			t.Errorf("%v: choice %d (%s), want %d", c.knobs, rev[0].Choice, rev[0].Measured, c.choice)
		}
		t.Logf("%v: %s", c.knobs, rev[0].Measured)
	}
}
