package cmd

import (
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/condition"
	"github.com/pardemo/pardemo/demos/deadlock"
	"github.com/pardemo/pardemo/demos/download"
	"github.com/pardemo/pardemo/demos/event"
	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/poolsum"
	"github.com/pardemo/pardemo/demos/primes"
	"github.com/pardemo/pardemo/demos/prodcons"
	"github.com/pardemo/pardemo/demos/queue"
	"github.com/pardemo/pardemo/demos/race"
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
		// chapter 1: T1 thread start, T2 thread join, T3 thread daemon, T4 thread timer, T5 gil, T6 download
		threadstart.New(),  // T1  chapter 1
		threadjoin.New(),   // T2  chapter 1
		threaddaemon.New(), // T3  chapter 1
		threadtimer.New(),  // T4  chapter 1
		gil.New(),          // T5  chapter 1
		download.New(),     // T6  chapter 1
		race.New(),         // S1  chapter 2
		deadlock.New(),     // S4  chapter 2
		// S2 rlock, S3 semaphore signal, S3 semaphore limit, S4 deadlock, S5 condition, S6 event
		condition.New(), // S5  chapter 2
		event.New(),     // S6  chapter 2
		traffic.New(),   // S7  chapter 2
		// S8 defer
		barrier.New(), // S9  chapter 2
		// Q1 queue
		queue.New(),    // Q1  chapter 3
		prodcons.New(), // Q2  chapter 3
		// chapter 5: I4 tickets
		tickets.New(), // I4  chapter 5
		// chapter 6: F1 pool primes, F2 pool sum
		primes.New(),  // F1  chapter 6
		poolsum.New(), // F2  chapter 6
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
