package cmd

import (
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/condition"
	"github.com/pardemo/pardemo/demos/deadlock"
	"github.com/pardemo/pardemo/demos/deferdemo"
	"github.com/pardemo/pardemo/demos/download"
	"github.com/pardemo/pardemo/demos/event"
	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/poolsum"
	"github.com/pardemo/pardemo/demos/primes"
	"github.com/pardemo/pardemo/demos/prodcons"
	"github.com/pardemo/pardemo/demos/queue"
	"github.com/pardemo/pardemo/demos/race"
	"github.com/pardemo/pardemo/demos/rlock"
	"github.com/pardemo/pardemo/demos/semlimit"
	"github.com/pardemo/pardemo/demos/semsignal"
	"github.com/pardemo/pardemo/demos/threaddaemon"
	"github.com/pardemo/pardemo/demos/threadjoin"
	"github.com/pardemo/pardemo/demos/threadstart"
	"github.com/pardemo/pardemo/demos/threadtimer"
	"github.com/pardemo/pardemo/demos/tickets"
	"github.com/pardemo/pardemo/demos/traffic"
)

// Registry is the curriculum: every scenario, in the order `list` shows
// them and `run-all` runs them. Adding a scenario is its folder plus one
// line here; a test fails if a folder under demos/ is missing from it.
func Registry() []demos.Demo {
	return []demos.Demo{
		// Chapter 1: threads (goroutines)
		threadstart.New(),  // T1
		threadjoin.New(),   // T2
		threaddaemon.New(), // T3
		threadtimer.New(),  // T4
		gil.New(),          // T5
		download.New(),     // T6
		// Chapter 2: synchronisation
		race.New(),      // S1
		rlock.New(),     // S2
		semsignal.New(), // S3
		semlimit.New(),  // S3
		deadlock.New(),  // S4
		condition.New(), // S5
		event.New(),     // S6
		traffic.New(),   // S7
		deferdemo.New(), // S8
		barrier.New(),   // S9
		// Chapter 3: queues
		queue.New(),    // Q1
		prodcons.New(), // Q2
		// Chapter 5: inter-process communication
		tickets.New(), // I4
		// Chapter 6: pools and futures
		primes.New(),  // F1
		poolsum.New(), // F2
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
