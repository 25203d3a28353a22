package trafficlight

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal question of `pardemo traffic-light
// --quiz`: which car waits longest. The naive guesses are the first car
// or the last one; the answer is the car the run measured.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		cars := fmt.Sprintf("%d cars arrive %g story-s apart", o.Cars, arrivalGap)
		if o.Cars == 1 {
			cars = "1 car arrives"
		}
		return fmt.Sprintf("%s; the light is green %g s, red %g s, over and over. Which car waits longest?",
			cars, greenFor, redFor)
	},
	ChoicesFor: func(o *Options) []string { return carChoices(o.Cars).text },
	Answer: func(o *Options, m Metrics) (int, string) {
		c := carChoices(o.Cars)
		if m.LongestWaiter == "" {
			return len(c.names) - 1, fmt.Sprintf("no car waited: all %d crossed on green", m.Crossed)
		}
		measured := fmt.Sprintf("%s waited longest, %s story-s (%d of %d cars waited)", m.LongestWaiter, ev.Float(m.LongestWaitStory), m.Waited, m.Cars)
		return slices.Index(c.names, m.LongestWaiter), measured
	},
	Why: "a car waits only if it arrives on red, and then for the rest of the red phase, so the longest wait is the car that arrives earliest in a red phase; Python's Event.wait blocks the same way",
}}

// greenFor is how long the light stays green: ticks 0–20.
const greenFor = (lastGreen + 1) * tick

// cars are the cars a question offers, by name ("" for "none waits"),
// and the choices' wording.
type cars struct {
	names []string
	text  []string
}

// carChoices offers the first car, the last car, and two cars in between
// (the two whose arrival the light's schedule puts deepest before a
// change to green, else middle ones), in arrival order, then "none".
func carChoices(n int) cars {
	arrival := func(i int) float64 { return float64(i-1) * arrivalGap }
	// untilGreen is how long car i would wait by the schedule: -1 on green.
	// A car arriving as the light turns red may cross or wait the whole
	// red phase (a toss-up): it counts as waiting; one arriving as it
	// turns green does not.
	untilGreen := func(i int) float64 {
		cycle := cycleTicks * tick
		at := math.Mod(arrival(i), cycle)
		switch {
		case at < greenFor-tick/2 || at > cycle-tick/2:
			return -1
		case at < greenFor:
			return redFor
		default:
			return cycle - at
		}
	}
	var middle []int
	for i := 2; i < n; i++ {
		middle = append(middle, i)
	}
	// Red arrivals by wait, longest first; then green ones nearest the middle.
	slices.SortStableFunc(middle, func(a, b int) int {
		if c := cmp.Compare(untilGreen(b), untilGreen(a)); c != 0 {
			return c
		}
		return cmp.Compare(math.Abs(float64(2*a-n-1)), math.Abs(float64(2*b-n-1)))
	})
	picked := []int{1}
	picked = append(picked, middle[:min(2, len(middle))]...)
	if n > 1 {
		picked = append(picked, n)
	}
	slices.Sort(picked)
	var c cars
	for _, i := range picked {
		text := fmt.Sprintf("car-%d, arriving at %g s", i, arrival(i))
		switch i {
		case 1:
			text = "car-1, the first to arrive"
		case n:
			text = fmt.Sprintf("car-%d, the last to arrive (at %g s)", i, arrival(i))
		}
		c.names = append(c.names, fmt.Sprintf("car-%d", i))
		c.text = append(c.text, text)
	}
	c.names = append(c.names, "")
	c.text = append(c.text, "none: every car crosses on green")
	return c
}
