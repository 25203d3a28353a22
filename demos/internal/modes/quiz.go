package modes

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// The quiz question every pool scenario can ask (`--quiz`): "how much
// faster than sequential is the pool?" The naive guess is one CPU's worth
// per worker; the run shows no more than min(workers, CPUs, tasks).

// speedupKind is what a choice of the speed-up question claims.
type speedupKind int

const (
	perWorker speedupKind = iota // workers× faster: the naive guess
	atCeiling                    // about min(workers, CPUs, tasks)× faster
	faster                       // faster at all (when the ceiling is 1)
	noGain                       // about the same speed, or slower
)

// speedupKinds lists the choices offered for a pool of workers whose best
// speed-up is ceiling, in order.
func speedupKinds(workers, ceiling int) []speedupKind {
	var ks []speedupKind
	if workers > ceiling {
		ks = append(ks, perWorker)
	}
	if ceiling > 1 {
		ks = append(ks, atCeiling)
	} else if workers <= ceiling {
		ks = append(ks, faster)
	}
	return append(ks, noGain)
}

// SpeedupChoices words the choices of the speed-up question for a pool
// of workers, on cpus CPUs, given tasks tasks (0: as many as the workers).
func SpeedupChoices(workers, cpus, tasks int) []string {
	c := Ceiling(Run{Workers: workers}, cpus, tasks)
	var out []string
	for _, k := range speedupKinds(workers, c) {
		switch k {
		case perWorker:
			out = append(out, fmt.Sprintf("about %d× faster: one per worker", workers))
		case atCeiling:
			out = append(out, fmt.Sprintf("about %d× faster: no more than min(workers, CPUs)", c))
		case faster:
			out = append(out, "faster than sequential")
		case noGain:
			out = append(out, "about the same speed, or slower")
		}
	}
	return out
}

// SpeedupAnswer reads which of SpeedupChoices came true for the mode
// whose metrics are m (ok false: that mode did not run): a speed-up of at
// least half-way from 1× to the ceiling counts as "about the ceiling",
// less as no gain, and one above the ceiling is a measurement problem (-1),
// never a choice that came true.
func SpeedupAnswer(mode string, m Metrics, ok bool, workers int) (int, string) {
	if !ok {
		return -1, fmt.Sprintf("the %s way did not run (--run-as)", mode)
	}
	if m.Speedup == nil {
		return -1, fmt.Sprintf("the sequential way did not run, so %s had nothing to be compared with (--run-as all)", mode)
	}
	s, c := *m.Speedup, max(1, m.Ceiling)
	measured := fmt.Sprintf("%s ran at %s× the sequential speed (best possible %d×)", mode, ev.Float(s), c)
	if s > float64(c)*(1+Margin) {
		return -1, measured + ": above the bound, a measurement problem"
	}
	want := noGain
	if c > 1 && s >= float64(1+c)/2 {
		want = atCeiling
	}
	for i, k := range speedupKinds(workers, c) {
		if k == want {
			return i, measured
		}
	}
	return -1, measured
}

// The other question two pool scenarios ask: "goroutines or processes,
// which pool is faster?", its choices in this order: the processes, the
// goroutines, neither (within 10%).
const (
	ProcessesFaster  = 0
	GoroutinesFaster = 1
	NeitherFaster    = 2
)

// FasterAnswer answers it from the two ways' times in milliseconds (the
// fastest run of each); both is false when --run-as did not run both, and
// missing then says so.
func FasterAnswer(goroutinesMs, processesMs float64, both bool, missing string) (int, string) {
	if !both {
		return -1, missing
	}
	gt, pt := goroutinesMs, processesMs
	measured := fmt.Sprintf("goroutines %s, processes %s (fastest runs)", ev.Dur(fromMs(gt)), ev.Dur(fromMs(pt)))
	switch {
	case gt <= 0 || pt <= 0:
		return -1, measured
	case max(gt, pt) <= 1.1*min(gt, pt):
		return NeitherFaster, measured
	case pt < gt:
		return ProcessesFaster, measured
	default:
		return GoroutinesFaster, measured
	}
}

func fromMs(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }
