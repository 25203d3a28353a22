package asynctasks_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/asynctasks"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m, asynctasks.New()) }

// In fake time the interleaving and the total are exact: factorial's step
// comes first at every second (its timer was set first), fibonacci's
// second, until factorial is done after 9; the total is 10 seconds.
func TestExactInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, c := demotest.MustRun(t, asynctasks.New(), 10)
		m := demotest.Metrics[asynctasks.Metrics](t, res)
		want := asynctasks.Metrics{N: 10, Factorial: 3628800, Fibonacci: 55, FactorialSteps: 9, FibonacciSteps: 10,
			Alternations: 17, TotalStory: 10, SerialStory: 19, MaxHolders: 1, Tolerance: 0.5}
		if !equal(m, want) {
			t.Errorf("metrics %+v", m)
		}
		if !res.Observed {
			t.Errorf("not observed: %s", res.Verdict)
		}
		var got []string
		for _, e := range c.Events {
			if e.Kind == ev.Step || e.Kind == ev.Done {
				got = append(got, fmt.Sprintf("%v %s: %s", e.T.Seconds()*10, e.Actor, e.Msg))
			}
		}
		var exp []string
		for i := 0; i < 10; i++ {
			if i < 9 {
				exp = append(exp, fmt.Sprintf("%v factorial: Compute factorial(%d)", float64(i), i+2))
			} else {
				exp = append(exp, "9 factorial: factorial(10) = 3628800")
			}
			exp = append(exp, fmt.Sprintf("%v fibonacci: Compute fibonacci(%d)", float64(i), i))
		}
		exp = append(exp, "10 fibonacci: fibonacci(10) = 55", "10 main: both tasks done after 10.00 story-seconds")
		if !slices.Equal(got, exp) {
			t.Errorf("events:\n%v\nwant\n%v", got, exp)
		}
	})
}

func equal(a, b asynctasks.Metrics) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestKnobN(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		res, _ := demotest.MustRun(t, asynctasks.New(), 10, "n=20")
		m := demotest.Metrics[asynctasks.Metrics](t, res)
		if m.Factorial != 2432902008176640000 || m.Fibonacci != 6765 || m.TotalStory != 20 || !res.Observed {
			t.Errorf("metrics %+v: %s", m, res.Verdict)
		}
	})
}

// The verdict fails when the total is the serial one or the machine was
// too slow, and when the tasks did not take turns.
func TestVerdictCanFail(t *testing.T) {
	d := asynctasks.New()
	good := asynctasks.Metrics{N: 10, Factorial: 3628800, Fibonacci: 55, FactorialSteps: 9, FibonacciSteps: 10,
		Alternations: 17, TotalStory: 10, SerialStory: 19, MaxHolders: 1, Tolerance: 0.5}
	b := demotest.Knobs(t, d)
	for _, tc := range []struct {
		change func(*asynctasks.Metrics)
		class  string
	}{
		{func(m *asynctasks.Metrics) {}, "interesting"},
		{func(m *asynctasks.Metrics) { m.TotalStory = 12 }, "acceptable"},
		{func(m *asynctasks.Metrics) { m.TotalStory = 19 }, "forbidden"},
		{func(m *asynctasks.Metrics) { m.Alternations = 1 }, "forbidden"},
		{func(m *asynctasks.Metrics) { m.Fibonacci = 54 }, "forbidden"},
		{func(m *asynctasks.Metrics) { m.MaxHolders = 2 }, "forbidden"},
	} {
		m := good
		tc.change(&m)
		if got := b.Classify(ev.Result{Metrics: m}); string(got.Class) != tc.class {
			t.Errorf("%+v classed %s, want %s", m, got.Class, tc.class)
		}
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, asynctasks.New(), 200, "n=5")
	m := demotest.Metrics[asynctasks.Metrics](t, res)
	if m.Factorial != 120 || m.Fibonacci != 5 || m.MaxHolders != 1 || m.TotalStory < 5 {
		t.Errorf("metrics %+v", m)
	}
}

// Ctrl-C mid-run ends the run with ErrInterrupted; the loop cancels both
// tasks and their goroutines are gone (goleak checks at exit).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{time.Millisecond, 450 * time.Millisecond, 950 * time.Millisecond} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, asynctasks.New(), 10)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}
