package modes_test

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/modes"
)

func TestSpeedupQuestion(t *testing.T) {
	sp := func(s float64, ceiling int) modes.Metrics { return modes.Metrics{Speedup: &s, Ceiling: ceiling} }
	cases := []struct {
		workers, cpus, tasks int
		m                    modes.Metrics
		ok                   bool
		choices              int
		want                 int
	}{
		{8, 2, 0, sp(1.9, 2), true, 3, 1},  // about 2×, not 8×
		{8, 2, 0, sp(1.2, 2), true, 3, 2},  // no gain
		{8, 2, 0, sp(2.5, 2), true, 3, -1}, // above the bound: a measurement problem
		{8, 2, 0, sp(0, 2), true, 3, -1},   // nil below: sequential did not run
		{8, 2, 0, modes.Metrics{}, false, 3, -1},
		{2, 2, 0, sp(1.6, 2), true, 2, 0}, // workers = CPUs: no naive choice
		{2, 2, 0, sp(0.9, 2), true, 2, 1},
		{5, 1, 0, sp(1.0, 1), true, 2, 1},  // one CPU: about the same
		{1, 8, 0, sp(0.98, 1), true, 2, 1}, // one worker
		{8, 16, 3, sp(2.9, 3), true, 3, 1}, // three tasks bound it
	}
	for i, c := range cases {
		got := modes.SpeedupChoices(c.workers, c.cpus, c.tasks)
		if len(got) != c.choices {
			t.Errorf("case %d: choices %q", i, got)
		}
		m := c.m
		if i == 3 {
			m.Speedup = nil
		}
		idx, measured := modes.SpeedupAnswer("goroutines", m, c.ok, c.workers)
		if idx != c.want || measured == "" {
			t.Errorf("case %d: answer %d (%s), want %d", i, idx, measured, c.want)
		}
		if idx >= 0 && idx >= len(got) {
			t.Errorf("case %d: answer %d out of %q", i, idx, got)
		}
		for _, ch := range got {
			if len([]rune(ch)) > 60 {
				t.Errorf("choice %q is longer than 60 characters", ch)
			}
		}
	}
	if got := modes.SpeedupChoices(8, 2, 0); !strings.Contains(got[0], "8×") || !strings.Contains(got[1], "2×") {
		t.Errorf("choices %q", got)
	}
}
