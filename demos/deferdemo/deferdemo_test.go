package deferdemo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos/deferdemo"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var primitives = []string{"mutex", "re-entrant lock", "condition", "semaphore"}

// what each primitive is called in the messages.
var what = map[string]string{"mutex": "mutex", "re-entrant lock": "re-entrant lock", "condition": "condition's lock", "semaphore": "semaphore's permit"}

// of lists actor's events as "time message", notes left out except the
// recovered panics.
func of(c *demotest.Capture, actor string) []string {
	var out []string
	for _, e := range c.Of(actor) {
		if e.Kind != ev.Note || strings.HasPrefix(e.Msg, "recovered") {
			out = append(out, fmt.Sprintf("%v %s", e.T, e.Msg))
		}
	}
	return out
}

func check(t *testing.T, c *demotest.Capture, actor string, want []string) {
	t.Helper()
	if got := of(c, actor); !slices.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant:\n%s", actor, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// With defer, in fake time: each actor's exact story, and every primitive
// is free after its panic.
func TestDeferInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, deferdemo.New(), 1)
		m := demotest.Metrics[deferdemo.Metrics](t, res)
		if !res.Observed || !m.UseDefer || m.LeftHeld != 0 || m.PanicsRecovered != 4 || m.Primitives != 4 || len(m.Released) != 4 {
			t.Fatalf("result %+v", res)
		}
		for _, p := range primitives {
			if released, ok := m.Released[p]; !ok || !released {
				t.Errorf("%s not released: %v", p, m.Released)
			}
		}
		check(t, c, "steady", []string{
			"0s locked the mutex",
			"0s works in the critical section",
			"500ms left the block normally",
			"1s took the re-entrant lock",
			"1s took it again in a helper (hold count 2)",
			"1s works in the critical section",
			"1.5s left the block normally",
			"2s holds the condition's lock and waits for ready (Wait lets go of the lock meanwhile)",
			"3s woken, with the lock back: ready is true",
			"3s left the block normally",
			"3s acquired a permit (1 of 2 left)",
			"3s works in the critical section",
			"3.5s left the block normally",
		})
		check(t, c, "faulty", []string{
			"500ms locked the mutex",
			"500ms works in the critical section",
			"1s panics in the middle of the critical section",
			"1s recovered from the panic: faulty failed halfway",
			"1.5s took the re-entrant lock",
			"1.5s took it again in a helper (hold count 2)",
			"1.5s works in the critical section",
			"2s panics in the middle of the critical section",
			"2s recovered from the panic: faulty failed halfway",
			"2.5s locked the condition's lock",
			"2.5s works in the critical section",
			"3s set ready and broadcast: the waiter needs the lock back before it can return from Wait",
			"3s panics in the middle of the critical section",
			"3s recovered from the panic: faulty failed halfway",
			"3.5s acquired a permit (1 of 2 left)",
			"3.5s works in the critical section",
			"4s panics in the middle of the critical section",
			"4s recovered from the panic: faulty failed halfway",
		})
		var wantMain []string
		for i, p := range primitives {
			wantMain = append(wantMain, fmt.Sprintf("%ds the %s is free again: the deferred release ran while the panic unwound", i+1, what[p]))
		}
		check(t, c, "main", wantMain)
		// The waiter woke only after the notifier's lock was released,
		// which with defer happens during the panic.
		if w, p := demotest.Index(c, "steady", "woken"), demotest.Index(c, "faulty", "set ready"); w < p {
			t.Errorf("waiter woke (event %d) before the notifier set ready (event %d)", w, p)
		}
	})
}

// Without defer (real time: a waiter stuck on the condition's lock is not
// durably blocked, so fake time could not advance): every panic leaks its
// primitive, main releases each by hand, and nothing is left stuck
// (goleak checks the condition's waiter got out).
func TestNoDeferLeaks(t *testing.T) {
	res, c := demotest.MustRun(t, deferdemo.New(), 100, "no-defer")
	m := demotest.Metrics[deferdemo.Metrics](t, res)
	if !res.Observed || m.UseDefer || m.LeftHeld != 4 || m.PanicsRecovered != 4 || len(m.Released) != 4 {
		t.Fatalf("result %+v", res)
	}
	for _, p := range primitives {
		if released, ok := m.Released[p]; !ok || released {
			t.Errorf("%s released without defer: %v", p, m.Released)
		}
		if demotest.Index(c, "main", "the "+what[p]+" is still held") < 0 {
			t.Errorf("no warning that the %s is still held", p)
		}
	}
	// The condition's waiter was woken by the broadcast but could return
	// from Wait only after main unlocked by hand.
	if w, u := demotest.Index(c, "steady", "woken"), demotest.Index(c, "main", "main releases the condition's lock"); w < u {
		t.Errorf("waiter returned from Wait (event %d) before main released the lock (event %d)", w, u)
	}
}

// With defer in real time, several runs.
func TestDeferRealTime(t *testing.T) {
	for range 3 {
		res, _ := demotest.MustRun(t, deferdemo.New(), 100)
		if !res.Observed || demotest.Metrics[deferdemo.Metrics](t, res).LeftHeld != 0 {
			t.Fatalf("result %+v", res)
		}
	}
}

// Ctrl-C in the middle: the run ends as interrupted, and whatever the
// faulty blocks leaked is still released (goleak checks nobody is stuck).
func TestInterrupted(t *testing.T) {
	for _, knobs := range [][]string{nil, {"no-defer"}} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(250*time.Millisecond, cancel) // during the condition, at speed 10
		_, c, err := demotest.RunCtx(ctx, t, deferdemo.New(), 10, knobs...)
		cancel()
		if err == nil || len(c.Fails) != 1 || !strings.Contains(c.Fails[0], "interrupted") {
			t.Fatalf("%v: err %v, fails %q", knobs, err, c.Fails)
		}
	}
}
