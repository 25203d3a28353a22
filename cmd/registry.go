package cmd

import (
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/prodcons"
	"github.com/pardemo/pardemo/demos/race"
	"github.com/pardemo/pardemo/demos/traffic"
)

// Registry is the curriculum: every scenario, in the order `list` shows
// them and `run-all` runs them. Adding a scenario is its folder plus one
// line here; a test fails if a folder under demos/ is missing from it.
func Registry() []demos.Demo {
	return []demos.Demo{
		race.New(),     // S1  chapter 2
		traffic.New(),  // S7  chapter 2
		barrier.New(),  // S9  chapter 2
		prodcons.New(), // Q2  chapter 3
	}
}

// find returns the scenario called name ("race", "pool primes").
func find(reg []demos.Demo, name string) (demos.Demo, bool) {
	for _, d := range reg {
		if d.Name == name {
			return d, true
		}
	}
	return demos.Demo{}, false
}

func names(reg []demos.Demo) []string {
	out := make([]string, len(reg))
	for i, d := range reg {
		out[i] = d.Name
	}
	return out
}
