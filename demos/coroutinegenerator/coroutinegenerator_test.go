package coroutinegenerator_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/coroutinegenerator"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestMain(m *testing.M) { demotest.Main(m) }

var splitRE = regexp.MustCompile(`^tray (\d+): (\d+) .* buns, (\d+) for Bruce and (\d+) for Elvin$`)
var ateRE = regexp.MustCompile(`^ate (\d+) .* buns \((\d+) so far\)$`)

// In fake time: the events come in the one order a generator allows, at
// exact times, and every share the shop announced is what the customer
// said he ate.
func TestBunShopInFakeTime(t *testing.T) {
	for _, knobs := range [][]string{nil, {"trays=3", "buns=20"}, {"trays=1", "buns=2"}} {
		synctest.Test(t, func(t *testing.T) {
			res, c := demotest.MustRun(t, coroutinegenerator.New(), 1, knobs...)
			m := demotest.Metrics[coroutinegenerator.Metrics](t, res)
			var actors []string
			var shares []int
			eaten := map[string]int{}
			for _, e := range c.Events {
				switch e.Kind {
				case ev.Send:
					g := splitRE.FindStringSubmatch(e.Msg)
					if g == nil {
						t.Fatalf("shop said %q", e.Msg)
					}
					a, b := atoi(g[3]), atoi(g[4])
					if a < 1 || b < 1 || a+b != m.Buns || atoi(g[2]) != m.Buns {
						t.Errorf("bad split %q", e.Msg)
					}
					shares = append(shares, a, b)
					tray := atoi(g[1])
					if want := time.Duration(3*tray-2) * time.Second; e.T != want {
						t.Errorf("tray %d made at %v, want %v", tray, e.T, want)
					}
				case ev.Recv:
					g := ateRE.FindStringSubmatch(e.Msg)
					if g == nil || len(shares) == 0 {
						t.Fatalf("%s said %q", e.Actor, e.Msg)
					}
					n := atoi(g[1])
					if n != shares[0] {
						t.Errorf("%s ate %d, the shop sent %d", e.Actor, n, shares[0])
					}
					shares = shares[1:]
					eaten[e.Actor] += n
					if atoi(g[2]) != eaten[e.Actor] {
						t.Errorf("%s's running total %s, counted %d", e.Actor, g[2], eaten[e.Actor])
					}
				default:
					continue
				}
				actors = append(actors, e.Actor)
			}
			var want []string
			for range m.Trays {
				want = append(want, "shop", "Bruce", "Elvin")
			}
			if !slices.Equal(actors, want) {
				t.Errorf("order %v", actors)
			}
			if m.FirstAte != eaten["Bruce"] || m.SecondAte != eaten["Elvin"] || m.FirstAte+m.SecondAte != m.Trays*m.Buns {
				t.Errorf("metrics %+v, eaten %v", m, eaten)
			}
			if !m.SplitsOK || !m.TotalsAgree || !m.OrderOK || m.WallMs != m.ExpectedMs || m.WallMs != float64(3000*m.Trays) || !res.Observed {
				t.Errorf("metrics %+v, verdict %s", m, res.Verdict)
			}
			if out := demotest.Knobs(t, coroutinegenerator.New(), knobs...).Classify(res); out.Class != demos.Acceptable {
				t.Errorf("outcome %+v", out)
			}
		})
	}
}

// The seed decides the splits: the same seed, the same run.
func TestSeedReplays(t *testing.T) {
	msgs := func() []string {
		var out []string
		synctest.Test(t, func(t *testing.T) {
			_, c := demotest.MustRun(t, coroutinegenerator.New(), 1)
			out = demotest.Messages(c)
		})
		return out
	}
	if a, b := msgs(), msgs(); !slices.Equal(a, b) {
		t.Errorf("two runs with one seed differ:\n%q\n%q", a, b)
	}
}

func TestRealTime(t *testing.T) {
	res, _ := demotest.MustRun(t, coroutinegenerator.New(), 1000)
	m := demotest.Metrics[coroutinegenerator.Metrics](t, res)
	if !m.SplitsOK || !m.TotalsAgree || !m.OrderOK || m.FirstAte+m.SecondAte != 56 || m.WallMs < 21 {
		t.Errorf("metrics %+v", m)
	}
}

// Ctrl-C while the shop makes a tray, or while a customer eats, ends the
// run cleanly (goleak checks that no coroutine is left).
func TestInterrupted(t *testing.T) {
	for _, at := range []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond, 2500 * time.Millisecond, 20 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), at)
			defer cancel()
			_, _, err := demotest.RunCtx(ctx, t, coroutinegenerator.New(), 1)
			if !errors.Is(err, demos.ErrInterrupted) {
				t.Errorf("interrupted at %v: err %v", at, err)
			}
		})
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprint("not a number: ", s))
	}
	return n
}
