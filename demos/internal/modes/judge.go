package modes

import (
	"fmt"
	"strings"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Status is the judgement of one mode's speed-up.
type Status string

// The judgements.
const (
	Baseline   Status = "baseline"    // the sequential run itself
	Serial     Status = "serial"      // one worker, one CPU or one task: nothing can run side by side
	NoSpeedup  Status = "no speed-up" // below ShownShare of the possible gain
	Speedup    Status = "speed-up"    // the lesson: the pool bought what the CPUs allow
	Impossible Status = "impossible"  // above the ceiling: a measurement problem
)

// ShownShare is how much of the possible gain a pool must reach for its
// speed-up to count as shown: half of it, 1.5× on two CPUs. Below that,
// noise or overhead ate the lesson.
const ShownShare = 0.5

// ShownShareProcesses is the same for a pool of processes: a quarter of
// the possible gain, 1.25× on two CPUs. Every task of a process pool pays
// a round trip over pipes and two operating-system wake-ups (the parent's
// and the child's), which on a machine whose CPUs are all busy computing
// can cost milliseconds per task: measured here, a pool of 5 processes ran
// the cookbook's 3 ms count(x) tasks at 1.3–1.6× the sequential speed
// where 5 goroutines reached 1.8–1.9×.
const ShownShareProcesses = 0.25

// Margin is how far above the ceiling a speed-up may read before it is
// called impossible: 2%, the wobble of a timer and a CPU's clock speed
// between two runs of the same code. A pool measured at 2.01× on two CPUs
// ran at 2×; one at 2.3× had a disturbed sequential run.
const Margin = 0.02

// Judgement is what one mode's measurement says.
type Judgement struct {
	Mode       string
	Workers    int
	Startup    time.Duration // paid once, left out of the speed-up
	Speedup    float64       // sequential compute time ÷ this mode's
	Ceiling    int           // min(workers, CPUs, tasks): the best speed-up possible
	Efficiency float64       // Speedup ÷ Ceiling
	Status     Status
}

// Needed is the speed-up that counts as shown: ShownShare of the way from
// 1× to the ceiling (ShownShareProcesses for processes).
func (j Judgement) Needed() float64 {
	share := ShownShare
	if j.Mode == Processes {
		share = ShownShareProcesses
	}
	return 1 + share*float64(j.Ceiling-1)
}

// Judge judges every pool mode of rep against the sequential run (none
// without one): cpus and tasks bound what is possible.
func (rep Report) Judge(cpus, tasks int) []Judgement {
	var out []Judgement
	for _, r := range rep {
		if j, ok := rep.judge(r, cpus, tasks); ok && j.Status != Baseline {
			out = append(out, j)
		}
	}
	return out
}

func (rep Report) judge(r Run, cpus, tasks int) (Judgement, bool) {
	s, ok := rep.Speedup(r)
	if !ok {
		return Judgement{}, false
	}
	e, _ := rep.Efficiency(r, cpus, tasks)
	j := Judgement{Mode: r.Mode, Workers: r.Workers, Startup: r.Startup, Speedup: s, Ceiling: Ceiling(r, cpus, tasks), Efficiency: e}
	switch {
	case r.Mode == Sequential:
		j.Status = Baseline
	case s > float64(j.Ceiling)*(1+Margin):
		// No honest measurement of this kernel beats the CPUs it had.
		j.Status = Impossible
	case j.Ceiling < 2:
		j.Status = Serial
	case s >= j.Needed():
		j.Status = Speedup
	default:
		j.Status = NoSpeedup
	}
	return j, true
}

// String is the judgement in one clause, for a verdict.
func (j Judgement) String() string {
	head := fmt.Sprintf("%s %s× the sequential speed", j.Mode, ev.Float(j.Speedup))
	var s string
	switch j.Status {
	case Impossible:
		s = fmt.Sprintf("%s — above the %d× that min(workers, CPUs) allows, so a measurement problem: another program "+
			"took CPU from the sequential run, or the runs were too short to time", head, j.Ceiling)
	case Serial:
		s = fmt.Sprintf("%s, as expected: with a best possible of 1× nothing runs side by side", head)
	case NoSpeedup:
		part := "half"
		if j.Mode == Processes {
			part = "a quarter of"
		}
		s = fmt.Sprintf("%s, short of %s×, %s the possible gain (best possible %d×, efficiency %.0f%%)", head, ev.Float(j.Needed()), part, j.Ceiling, 100*j.Efficiency)
	default:
		s = fmt.Sprintf("%s (best possible %d×, efficiency %.0f%%)", head, j.Ceiling, 100*j.Efficiency)
	}
	if j.Startup > 0 {
		s += fmt.Sprintf(", start-up of %s not counted (paid once)", ev.Dur(j.Startup))
	}
	return s
}

// Summary is the speed-up part of a verdict: every judgement in a clause,
// and whether every one of them showed the lesson. It is false for an
// empty list, and for a serial one: one worker or one CPU shows no pool.
func Summary(js []Judgement) (text string, shown bool) {
	if len(js) == 0 {
		return "", false
	}
	parts := make([]string, len(js))
	shown = true
	for i, j := range js {
		parts[i] = j.String()
		if j.Status != Speedup {
			shown = false
		}
	}
	return strings.Join(parts, "; "), shown
}

// Worst is the status most in need of explaining: impossible, then
// serial, then no speed-up; Speedup when every mode showed it.
func Worst(js []Judgement) Status {
	for _, st := range []Status{Impossible, Serial, NoSpeedup} {
		for _, j := range js {
			if j.Status == st {
				return st
			}
		}
	}
	return Speedup
}
