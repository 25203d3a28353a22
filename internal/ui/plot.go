package ui

import (
	"fmt"
	"math"
	"strings"
)

// PlotSeries is one line of a Plot: a mark, and a value per x (NaN: no
// point there). A Line series is joined between its points, as the ideal
// line of a sweep is; the others are points only.
type PlotSeries struct {
	Name string
	Mark byte
	Y    []float64
	Line bool
}

// Plot draws series against the labels xs, spaced evenly, in plain
// characters within width columns: height rows from 0 at the bottom (the
// axis) to the largest value rounded up, each whole value labelled when
// the rows allow, then the x labels and a legend. A later series' mark
// wins over a line; two points in one cell show as '&'.
func Plot(xs []string, series []PlotSeries, width, height int) []string {
	height = max(height, 4)
	top := 1.0
	for _, s := range series {
		for _, y := range s.Y {
			if !math.IsNaN(y) && y > top {
				top = y
			}
		}
	}
	top = math.Ceil(top)
	const labelW = 5 // "  2× |"
	plotW := max(width-labelW-1, 2*len(xs)+2)
	col := func(i int) int {
		if len(xs) == 1 {
			return plotW / 2
		}
		return 2 + i*(plotW-4)/(len(xs)-1)
	}
	row := func(y float64) int {
		r := int(math.Round((1 - y/top) * float64(height-1)))
		return min(max(r, 0), height-1)
	}
	grid := make([][]byte, height)
	for r := range grid {
		grid[r] = []byte(strings.Repeat(" ", plotW))
	}
	for c := range plotW {
		grid[height-1][c] = '-'
	}
	points := map[[2]int]bool{} // cells holding a point of a points-only series
	clash := false
	for _, s := range series {
		for i, y := range s.Y {
			if i >= len(xs) || math.IsNaN(y) {
				continue
			}
			if s.Line && i+1 < len(s.Y) && !math.IsNaN(s.Y[i+1]) {
				c0, c1 := col(i), col(i+1)
				for c := c0 + 1; c < c1; c++ {
					t := float64(c-c0) / float64(c1-c0)
					grid[row(y+t*(s.Y[i+1]-y))][c] = s.Mark
				}
			}
			cell, mark := [2]int{row(y), col(i)}, s.Mark
			switch {
			case s.Line:
			case points[cell]:
				mark, clash = '&', true
			default:
				points[cell] = true
			}
			grid[cell[0]][cell[1]] = mark
		}
	}
	labels := map[int]string{}
	step := 1.0
	for top/step > float64(height-1)/2 {
		step *= 2
	}
	for v := 0.0; v <= top; v += step {
		labels[row(v)] = fmt.Sprintf("%g×", v)
	}
	labels[0] = fmt.Sprintf("%g×", top)
	var out []string
	for r, line := range grid {
		edge := "|"
		if r == height-1 {
			edge = "+"
		}
		out = append(out, strings.TrimRight(fmt.Sprintf("%*s %s%s", labelW-1, labels[r], edge, line), " "))
	}
	axis := []byte(strings.Repeat(" ", labelW+1+plotW+8))
	for i, x := range xs {
		at := labelW + 1 + col(i) - len(x)/2
		copy(axis[max(at, 0):], x)
	}
	out = append(out, strings.TrimRight(string(axis), " "))
	var legend []string
	for _, s := range series {
		legend = append(legend, fmt.Sprintf("%c %s", s.Mark, s.Name))
	}
	if clash {
		legend = append(legend, "& two at one place")
	}
	// The legend, as many entries a line as fit.
	line := ""
	for _, l := range legend {
		if line != "" && labelW+1+len([]rune(line))+3+len([]rune(l)) > width {
			out = append(out, strings.Repeat(" ", labelW+1)+line)
			line = ""
		}
		if line != "" {
			line += "   "
		}
		line += l
	}
	return append(out, strings.Repeat(" ", labelW+1)+line)
}
