package demos_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

type sweepOpts struct {
	Workers int
	Label   string
}

type sweepMetrics struct {
	Ms float64 `json:"ms"` // a time
}

func sweepDemo(s *demos.Sweep[sweepOpts, sweepMetrics]) demos.Demo {
	return demos.Scenario[sweepOpts, sweepMetrics]{Name: "sw", ID: "X1",
		Knobs: func(k *demos.Knobs, o *sweepOpts) {
			k.Int(&o.Workers, "workers", "pool size", 2, 0, 64)
			k.Choice(&o.Label, "run-as", "way", "all", "all", "a", "b")
		},
		Run: func(context.Context, *demos.Env, *sweepOpts) (ev.Result, error) {
			return ev.Result{Metrics: sweepMetrics{Ms: 3}}, nil
		},
		Sweep: s,
	}.Demo()
}

func TestParseCounts(t *testing.T) {
	p := sweepDemo(nil).Params()[0]
	for _, c := range []struct {
		in   string
		want []int
		err  string
	}{
		{"1,2,4,8", []int{1, 2, 4, 8}, ""},
		{"8, 1 ,0", []int{8, 1, 0}, ""}, // order kept; 0 is for the scenario to read
		{"1,1_0", []int{1, 10}, ""},
		{"1,2,2", nil, "2 is given twice"},
		{"1,2,3,4,5,6,7,8,9", nil, "9 counts; a sweep takes at most 8"},
		{"1,65", nil, `"65" is not a count of --workers: want whole numbers from 0 to 64`},
		{"1,-1", nil, `"-1" is not a count`},
		{"1,x", nil, `"x" is not a count`},
		{"1,", nil, "count 2 is empty"},
	} {
		got, err := demos.ParseCounts(p, c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q: %v %v, want %v", c.in, got, err, c.want)
		}
	}
}

// An int knob reads a comma only as a thousands separator: "1,2" is
// not 12 (a list is a sweep, where one is declared).
func TestIntKnobCommas(t *testing.T) {
	b := sweepDemo(nil).Bind()
	if err := b.Set("workers", "1,2"); err == nil || !strings.Contains(err.Error(), "a comma only groups thousands") {
		t.Errorf("--workers 1,2: %v", err)
	}
	for _, s := range []string{"1,000", "64", "0"} {
		err := b.Set("workers", s)
		if (s == "1,000") != (err != nil) {
			t.Errorf("--workers %s: %v", s, err)
		}
	}
}

func TestSweepBinding(t *testing.T) {
	if d := sweepDemo(nil); d.SweepKnob != "" || d.Bind().Sweep() != nil || d.CheckSweep() != nil {
		t.Errorf("no sweep declared: knob %q", d.SweepKnob)
	}
	d := sweepDemo(&demos.Sweep[sweepOpts, sweepMetrics]{Knob: "workers",
		Zero: func(*sweepOpts) int { return 7 },
		Ways: func(o *sweepOpts) []string {
			if o.Label == "all" {
				return []string{"a", "b"}
			}
			return []string{o.Label}
		},
		Only: func(o *sweepOpts, way string) { o.Label = way },
		Time: func(m sweepMetrics, way string) (time.Duration, bool) {
			return time.Duration(m.Ms * float64(time.Millisecond)), way == "a"
		},
	})
	if d.SweepKnob != "workers" || d.CheckSweep() != nil {
		t.Fatalf("knob %q, check %v", d.SweepKnob, d.CheckSweep())
	}
	b := d.Bind()
	sw := b.Sweep()
	if sw.Zero() != 7 || !slices.Equal(sw.Ways(), []string{"a", "b"}) || !sw.Separate() {
		t.Errorf("zero %d ways %v separate %v", sw.Zero(), sw.Ways(), sw.Separate())
	}
	sw.Prepare("b")
	if o := b.Options().(*sweepOpts); o.Label != "b" {
		t.Errorf("Prepare(b) left --run-as %q", o.Label)
	}
	res := ev.Result{Metrics: sweepMetrics{Ms: 2.5}}
	if d, ok := sw.Time(res, "a"); !ok || d != 2500*time.Microsecond {
		t.Errorf("Time(a) = %v %v", d, ok)
	}
	if _, ok := sw.Time(res, "b"); ok {
		t.Errorf("Time(b) ok")
	}
	if _, ok := sw.Time(ev.Result{Metrics: 3}, "a"); ok {
		t.Errorf("Time of foreign metrics ok")
	}

	// Malformed declarations.
	for _, s := range []*demos.Sweep[sweepOpts, sweepMetrics]{
		{Knob: "threads", Ways: func(*sweepOpts) []string { return nil }, Time: func(sweepMetrics, string) (time.Duration, bool) { return 0, false }},
		{Knob: "run-as", Ways: func(*sweepOpts) []string { return nil }, Time: func(sweepMetrics, string) (time.Duration, bool) { return 0, false }},
		{Knob: "workers"},
	} {
		if err := sweepDemo(s).CheckSweep(); err == nil {
			t.Errorf("sweep of --%s accepted", s.Knob)
		}
	}
}
