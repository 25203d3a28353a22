package download

import (
	"fmt"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is `pardemo download --quiz`: how long two downloads side by side
// take (the naive guess: the two added up).
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		how := map[string]string{"both": "as goroutines, then as processes", "goroutines": "as goroutines", "processes": "as processes"}[o.Form]
		return fmt.Sprintf("Two downloads of 5–10 story-s each (the seed picks) run side by side, %s. How long does it take?", how)
	},
	Choices: []string{
		"about as long as the longer download",
		"about the two added up",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		var parts []string
		all, ran, summed := true, false, false
		for _, f := range []struct {
			name string
			m    *FormMetrics
		}{{"goroutines", m.Goroutines}, {"processes", m.Processes}} {
			if f.m == nil {
				continue
			}
			ran = true
			all = all && f.m.Overlapped
			summed = summed || f.m.WallMs >= 0.9*f.m.SumMs
			parts = append(parts, fmt.Sprintf("%s %s", f.name, msDur(f.m.WallMs)))
		}
		if !ran {
			return -1, "no form ran"
		}
		f := m.Goroutines
		if f == nil {
			f = m.Processes
		}
		measured := fmt.Sprintf("%s; the longer download %s, both added %s", strings.Join(parts, ", "), msDur(f.LongestMs), msDur(f.SumMs))
		switch {
		case all:
			return 0, measured
		case summed:
			return 1, measured
		}
		return -1, measured + " — in between (a busy machine)"
	},
	Why: "a download mostly waits, and waits overlap: two goroutines (Python: two threads, which release the GIL while waiting) or two processes finish with the longer one",
}}

func msDur(ms float64) string { return ev.Dur(time.Duration(ms * float64(time.Millisecond))) }
