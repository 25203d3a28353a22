package gil

import "github.com/pardemo/pardemo/demos"

func ratio(base, d float64) float64 {
	if d <= 0 {
		return 0
	}
	return base / d
}

// is classifies by the verdict's own reading of the metrics (judge).
func is(fs ...finding) func(o *Options, m Metrics) bool {
	return func(o *Options, m Metrics) bool {
		f := judge(o.Jobs, m).f
		for _, want := range fs {
			if f == want {
				return true
			}
		}
		return false
	}
}

// outcomes are the results a run can end with (see pardemo verify). A
// speed-up past its bound (the cores for counting) is a measurement
// problem, never the lesson; a wait that ended early is a bug.
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "GIL shape", Class: demos.Acceptable, Desc: "waits overlapped under the GIL, counting did not; counting sped up only without it",
		When: is(shown)},
	{Name: "machine too busy", Class: demos.Acceptable, Desc: "the counting got less CPU than it could use and the machine had none idle: other programs had it",
		When: is(busy)},
	{Name: "fell behind", Class: demos.Acceptable, Desc: "the waits under the GIL took clearly more than one wait: the machine could not keep the pace",
		When: is(waitsLate)},
	{Name: "above the bounds", Class: demos.Acceptable, Desc: "a counting speed-up above the cores: something else slowed a sequential run",
		When: is(aboveCores)},
	{Name: "wait ended early", Class: demos.Forbidden, Desc: "a wait took less than its story time: a sleep cannot end early",
		When: is(waitedEarly)},
	{Name: "timings strayed", Class: demos.Acceptable, Desc: "the timings did not show the shape (one job, one worker, one core, too little work, or stray counting times)",
		When: func(o *Options, m Metrics) bool { return true }},
}
