package gil

import (
	"fmt"
	"math"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// finding is what a run's timings came to. It is judged from the metrics
// alone, so the verdict (conclude) and the declared outcomes agree.
type finding int

const (
	shown       finding = iota // the lesson: waits overlap under the GIL, counting only without it
	oneJob                     // one job has nothing to overlap with
	oneWorker                  // one worker runs the jobs one at a time: nothing overlaps
	waitedEarly                // a wait ended before its story time: a bug
	tooFast                    // the counting took no measurable time
	waitsLate                  // the waits under the GIL took clearly more than one wait: the pace was not kept
	oneCore                    // nothing can compute in parallel
	busy                       // a counting check failed while the machine withheld the CPU the run could use
	gilStrayed                 // counting under the GIL was faster than sequentially, the machine not seen busy
	noSpeedUp                  // no speed-up without the GIL, the machine not seen busy
	aboveCores                 // a speed-up above min(cores, jobs), the machine not seen busy
)

// fairShare is the fraction of the CPU a way could use (one core for one
// job at a time, min(cores, jobs) on all cores) that its best trial must
// have got for its wall time to say anything about the way rather than
// about the rest of the machine.
const fairShare = 0.85

// judgement is the reading of one run.
type judgement struct {
	f                            finding
	ioGIL, ioPar, cpuGIL, cpuPar float64 // speed-ups over sequential
	ideal                        int     // min(cores, jobs): the most a counting speed-up can be
	waits                        [3]demos.Pace
	starved                      string // when the machine withheld CPU: which way got how much
}

// judge reads the metrics of a run with jobs jobs.
func judge(jobs int, m Metrics) judgement {
	j := judgement{
		ioGIL: ratio(m.IO.SequentialMs, m.IO.GILMs), ioPar: ratio(m.IO.SequentialMs, m.IO.ParallelMs),
		cpuGIL: ratio(m.CPU.SequentialMs, m.CPU.GILMs), cpuPar: ratio(m.CPU.SequentialMs, m.CPU.ParallelMs),
		ideal: max(1, min(m.Cores, jobs)),
	}
	workers := m.Workers
	if workers <= 0 { // recorded before --workers: one per job
		workers = jobs
	}
	j.ideal = max(1, min(j.ideal, workers))
	// The concurrent ways overlap at most workers waits at a time.
	rounds := float64((jobs + workers - 1) / workers)
	if m.WaitMs > 0 {
		speed := 1000 / m.WaitMs
		pace := func(story, got float64) demos.Pace {
			return demos.NewPace(speed, story*ioWait, time.Duration(got*float64(time.Millisecond)))
		}
		j.waits = [3]demos.Pace{pace(float64(jobs), m.IO.SequentialMs), pace(rounds, m.IO.GILMs), pace(rounds, m.IO.ParallelMs)}
	}
	j.starved = starved(m.CoresUsed, m.IdleCores, j.ideal)
	// What the lesson predicts, with room for a noisy machine: waiting
	// overlaps under the GIL (about one wait's time for all of them);
	// computing does not (about 1×); without the GIL computing speeds up,
	// but never past the cores.
	gilSerialises := j.cpuGIL > 0 && j.cpuGIL < 1.2
	coresHelp := j.cpuPar >= 1+0.3*float64(j.ideal-1) && j.cpuPar >= 1.15*j.cpuGIL
	withinCores := j.cpuPar <= float64(j.ideal)*1.1
	cpuFailed := func(f finding) finding {
		if j.starved != "" {
			return busy
		}
		return f
	}
	switch {
	case jobs < 2:
		j.f = oneJob
	case workers < 2:
		j.f = oneWorker
	case j.waits[0].Early() || j.waits[1].Early() || j.waits[2].Early():
		j.f = waitedEarly
	case j.cpuGIL == 0 || j.cpuPar == 0:
		j.f = tooFast
	case m.WaitMs > 0 && !j.waits[1].Kept():
		j.f = waitsLate
	case m.Cores < 2:
		j.f = oneCore
	case !gilSerialises:
		j.f = cpuFailed(gilStrayed)
	case !coresHelp:
		j.f = cpuFailed(noSpeedUp)
	case !withinCores:
		j.f = cpuFailed(aboveCores)
	default:
		j.f = shown
	}
	return j
}

// starved says which CPU-bound ways' best trials got less CPU than they
// could use (process CPU time ÷ wall time below fairShare of 1, 1 and
// min(cores, jobs) cores) because other programs had it: the machine did
// not leave the missing cores idle (idle known: below half of them). It is
// "" when every way got its share, when a way that fell short had the
// cores free (the way's fault, not the machine's), or when the share could
// not be measured. Where the idle time is unknown (-1), a short share
// alone counts.
func starved(u CoresUsed, idle IdleCores, ideal int) string {
	if u.Sequential <= 0 || u.GIL <= 0 || u.Parallel <= 0 {
		return ""
	}
	var parts []string
	for _, w := range []struct {
		name            string
		got, want, idle float64
	}{{"sequential", u.Sequential, 1, idle.Sequential}, {"under the GIL", u.GIL, 1, idle.GIL}, {"on all cores", u.Parallel, float64(ideal), idle.Parallel}} {
		if w.got < fairShare*w.want && (w.idle < 0 || w.idle < 0.5*(w.want-w.got)) {
			parts = append(parts, fmt.Sprintf("%s %s of %g core(s)", w.name, ev.Float(w.got), w.want))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := parts[0]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			s += " and " + p
		} else {
			s += ", " + p
		}
	}
	return s
}

// round2 keeps two decimals: a share of cores is no more precise than that.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
