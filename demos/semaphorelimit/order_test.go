package semaphorelimit_test

import (
	"context"
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/semaphorelimit"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// The counts printed agree with the order printed (issue 13 §6): every
// acquire line's "(n holding)" is one more than the line before it showed,
// every release line's one less. It used to fail about 5 times in 200
// events, when the count was taken at one moment and stamped at another.
func TestCountsAgreeWithOrder(t *testing.T) {
	d := semaphorelimit.New()
	for seed := range int64(5) {
		c := &ui.Capture{}
		knobs := demotest.Knobs(t, d, "workers=100", "limit=5")
		if _, _, err := demos.Execute(context.Background(), d, demos.Config{Seed: seed, Speed: 2000, Knobs: knobs, Quiet: demos.QuietOff}, c); err != nil {
			t.Fatal(err)
		}
		holders, seen := int64(0), 0
		for _, e := range c.Events {
			n, ok := e.Attrs["holders"].(int64)
			if !ok {
				continue
			}
			seen++
			want := holders + 1
			if e.Kind == ev.Release {
				want = holders - 1
			}
			if n != want {
				t.Fatalf("seed %d: %s %q after a count of %d: the count disagrees with the order", seed, e.Actor, e.Msg, holders)
			}
			holders = n
		}
		if seen != 200 {
			t.Fatalf("seed %d: %d counted lines, want 200 (quiet mode off)", seed, seen)
		}
	}
}

// A default run floods no more: the middle waves are left out, with a
// note, and --quiet=false brings every line back (above).
func TestDefaultRunIsQuiet(t *testing.T) {
	res, c := demotest.MustRun(t, semaphorelimit.New(), 2000)
	if n := len(c.Events); n > 40 {
		t.Errorf("%d events in a default run, want at most 40", n)
	}
	if !res.Observed && res.Hint == "" {
		t.Errorf("verdict %q", res.Verdict)
	}
}
