package ui

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlot(t *testing.T) {
	xs := []string{"1", "2", "4", "8", "16", "32", "48", "64"}
	ideal := PlotSeries{Name: "ideal", Mark: '.', Line: true, Y: []float64{1, 2, 2, 2, 2, 2, 2, 2}}
	a := PlotSeries{Name: "a", Mark: '*', Y: []float64{1, 1.9, 1.9, math.NaN(), 1, 1, 1, 1}}
	b := PlotSeries{Name: "b", Mark: 'o', Y: []float64{1, 1, 1, 1, 1, 1, 1, 1}}
	for _, width := range []int{80, 60, 40} {
		lines := Plot(xs, []PlotSeries{ideal, a, b}, width, 8)
		text := strings.Join(lines, "\n")
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("at %d columns a line of %d: %q", width, n, l)
			}
		}
		// 8 rows, the x labels, a legend of one or more lines.
		if len(lines) < 10 || !strings.HasPrefix(lines[0], "  2× |") || !strings.HasPrefix(lines[7], "  0× +") {
			t.Errorf("at %d columns:\n%s", width, text)
		}
		// a and b meet at 1×: one '&', and the legend says what it is.
		if !strings.Contains(text, "&") || !strings.Contains(text, "& two at one place") {
			t.Errorf("at %d columns no clash mark:\n%s", width, text)
		}
		// The NaN point is not drawn: a's marks are 1.9 twice (b covers 1×).
		if n := strings.Count(strings.Join(lines[:8], ""), "*"); n != 2 {
			t.Errorf("at %d columns %d '*' marks, want 2:\n%s", width, n, text)
		}
		if !strings.Contains(lines[len(lines)-1]+lines[len(lines)-2], "o b") {
			t.Errorf("legend:\n%s", text)
		}
	}
}
