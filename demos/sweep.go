package demos

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Sweep declares that a scenario's pool size can be swept: given a list,
// `--workers 1,2,4,8` runs the scenario quietly several times at each count
// and compares the measured times (speed-up t(1)/t(N), efficiency against
// min(N, CPUs)). Only a scenario that declares one takes a list for that
// knob; elsewhere a list stays a usage error.
type Sweep[O, M any] struct {
	// Knob is the swept whole-number knob: "workers".
	Knob string
	// Timed says in a few words what time is compared ("the pool's
	// compute time, start-up left out"), for the sweep's header.
	Timed string
	// Zero is what a count of 0 stands for with options o (one per CPU for
	// the pools, one per job for gil); nil: 0 is taken as it is.
	Zero func(o *O) int
	// Ways lists the ways the options o compare whose time depends on the
	// knob, in the order the sweep shows them (pool primes under --run-as
	// all: goroutines, processes). An empty list means none does: the
	// sweep is refused, naming the knob that chose them.
	Ways func(o *O) []string
	// Only sets o so that a run does way alone; nil: every run times every
	// way (gil's do), and the sweep reads each from the same run.
	Only func(o *O, way string)
	// Once sets o so that a run times each way once: a sweep repeats whole
	// runs itself and shows their median and spread.
	Once func(o *O)
	// Time reads the compared time of way from a run's metrics: the wall
	// time of the part that the knob parallelises, start-up left out where
	// the scenario reports it apart. ok is false when way did not run.
	Time func(m M, way string) (d time.Duration, ok bool)
	// Cost estimates, roughly, how long one run of the sweep (prepared:
	// one way, timed once) takes at --speed speed, its work done on one
	// core; nil: unknown. The sweep refuses up front a list whose runs add
	// up to an absurd time.
	Cost func(o *O, speed float64) time.Duration
}

// MaxSweepCounts is the most counts a sweep takes (1 is added to them as
// the baseline when missing).
const MaxSweepCounts = 8

// MaxSweepRepeat is the most runs per count of a sweep.
const MaxSweepRepeat = 10

func (s *Sweep[O, M]) bind(o *O) *BoundSweep {
	if s == nil {
		return nil
	}
	return &BoundSweep{
		Knob: s.Knob, Timed: s.Timed,
		zero: func() int {
			if s.Zero == nil {
				return 0
			}
			return s.Zero(o)
		},
		ways: func() []string { return s.Ways(o) },
		prepare: func(way string) {
			if s.Once != nil {
				s.Once(o)
			}
			if s.Only != nil {
				s.Only(o, way)
			}
		},
		time: func(res ev.Result, way string) (time.Duration, bool) {
			m, ok := res.Metrics.(M)
			if !ok {
				return 0, false
			}
			return s.Time(m, way)
		},
		separate: s.Only != nil,
		cost: func(speed float64) time.Duration {
			if s.Cost == nil {
				return 0
			}
			return s.Cost(o, speed)
		},
	}
}

func validSweep[O, M any](s *Sweep[O, M], k *Knobs) error {
	if s == nil {
		return nil
	}
	if s.Ways == nil || s.Time == nil {
		return fmt.Errorf("a sweep needs Ways and Time")
	}
	for _, p := range k.Params() {
		if p.Name == s.Knob {
			if p.Kind != IntKind {
				return fmt.Errorf("the swept knob --%s is not a whole-number knob", s.Knob)
			}
			return nil
		}
	}
	return fmt.Errorf("the swept knob --%s is not declared", s.Knob)
}

// BoundSweep is a scenario's sweep bound to one run's options.
type BoundSweep struct {
	Knob     string // the swept knob
	Timed    string // what time is compared
	zero     func() int
	ways     func() []string
	prepare  func(way string)
	time     func(res ev.Result, way string) (time.Duration, bool)
	separate bool
	cost     func(speed float64) time.Duration
}

// Cost is the estimated time of one run with these options at --speed
// speed (0: unknown).
func (b *BoundSweep) Cost(speed float64) time.Duration { return b.cost(speed) }

// Zero is what a count of 0 stands for with these options (0: itself).
func (b *BoundSweep) Zero() int { return b.zero() }

// Ways lists the ways these options compare whose time the knob changes.
func (b *BoundSweep) Ways() []string { return b.ways() }

// Separate reports whether each way gets runs of its own (Prepare selects
// it); otherwise one run times every way.
func (b *BoundSweep) Separate() bool { return b.separate }

// Prepare sets the options for one run of the sweep: each way timed once,
// and only way when the ways run separately.
func (b *BoundSweep) Prepare(way string) { b.prepare(way) }

// Time reads way's compared time from res, a result of a run with these
// options.
func (b *BoundSweep) Time(res ev.Result, way string) (time.Duration, bool) { return b.time(res, way) }

// Sweep is the bound sweep of these knobs, nil when the scenario declares
// none.
func (b *Bound) Sweep() *BoundSweep { return b.sweep }

// ParseCounts reads a sweep's list of counts for knob p ("1,2,4,8"): at
// most MaxSweepCounts of them, each within the knob's range, none twice.
// They come back in the order given.
func ParseCounts(p Param, s string) ([]int, error) {
	want := fmt.Sprintf("want whole numbers from %s to %s separated by commas", ev.Int(p.Min), ev.Int(p.Max))
	fields := strings.Split(s, ",")
	if len(fields) > MaxSweepCounts {
		return nil, fmt.Errorf("%d counts; a sweep takes at most %d", len(fields), MaxSweepCounts)
	}
	var out []int
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("count %d is empty: %s", i+1, want)
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(f, "_", ""), 10, 64)
		if err != nil || n < p.Min || n > p.Max {
			return nil, fmt.Errorf("%q is not a count of --%s: %s", f, p.Name, want)
		}
		if slices.Contains(out, int(n)) {
			return nil, fmt.Errorf("%d is given twice", n)
		}
		out = append(out, int(n))
	}
	return out, nil
}

func sweepKnob[O, M any](s *Sweep[O, M]) string {
	if s == nil {
		return ""
	}
	return s.Knob
}
