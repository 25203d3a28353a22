package cmd

import (
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/asyncexecutor"
	"github.com/pardemo/pardemo/demos/asyncfsm"
	"github.com/pardemo/pardemo/demos/asyncfutures"
	"github.com/pardemo/pardemo/demos/asyncloop"
	"github.com/pardemo/pardemo/demos/asynctasks"
	"github.com/pardemo/pardemo/demos/asyncworkers"
	"github.com/pardemo/pardemo/demos/barrier"
	"github.com/pardemo/pardemo/demos/condition"
	"github.com/pardemo/pardemo/demos/coroutinecooperative"
	"github.com/pardemo/pardemo/demos/coroutinegenerator"
	"github.com/pardemo/pardemo/demos/coroutineswitch"
	"github.com/pardemo/pardemo/demos/deadlock"
	"github.com/pardemo/pardemo/demos/deferdemo"
	"github.com/pardemo/pardemo/demos/download"
	"github.com/pardemo/pardemo/demos/echo"
	"github.com/pardemo/pardemo/demos/event"
	"github.com/pardemo/pardemo/demos/gil"
	"github.com/pardemo/pardemo/demos/ipcmanager"
	"github.com/pardemo/pardemo/demos/ipcpipe"
	"github.com/pardemo/pardemo/demos/ipcqueue"
	"github.com/pardemo/pardemo/demos/ipcshared"
	"github.com/pardemo/pardemo/demos/poolfetch"
	"github.com/pardemo/pardemo/demos/poolfutures"
	"github.com/pardemo/pardemo/demos/poolmap"
	"github.com/pardemo/pardemo/demos/poolprimes"
	"github.com/pardemo/pardemo/demos/poolsum"
	"github.com/pardemo/pardemo/demos/procdaemon"
	"github.com/pardemo/pardemo/demos/procexec"
	"github.com/pardemo/pardemo/demos/procfork"
	"github.com/pardemo/pardemo/demos/prockill"
	"github.com/pardemo/pardemo/demos/procprintlock"
	"github.com/pardemo/pardemo/demos/procspawn"
	"github.com/pardemo/pardemo/demos/producerconsumer"
	"github.com/pardemo/pardemo/demos/queue"
	"github.com/pardemo/pardemo/demos/race"
	"github.com/pardemo/pardemo/demos/rlock"
	"github.com/pardemo/pardemo/demos/semaphorelimit"
	"github.com/pardemo/pardemo/demos/semaphoresignal"
	"github.com/pardemo/pardemo/demos/threaddaemon"
	"github.com/pardemo/pardemo/demos/threadjoin"
	"github.com/pardemo/pardemo/demos/threadstart"
	"github.com/pardemo/pardemo/demos/threadtimer"
	"github.com/pardemo/pardemo/demos/tickets"
	"github.com/pardemo/pardemo/demos/trafficlight"
)

// Chapters is the curriculum: every scenario, chapter by chapter, in the
// order `list` shows them and `run-all` runs them. Chapter titles live here
// and nowhere else. Adding a scenario is its folder plus one line here; a
// test fails if a folder under demos/ is missing from it, if two scenarios
// share an ID, or if a folder breaks the naming rule (demos.FolderFor).
func Chapters() []demos.Chapter {
	return []demos.Chapter{
		{N: 1, Title: "Threads (goroutines)", Demos: []demos.Demo{
			threadstart.New(),  // T1
			threadjoin.New(),   // T2
			threaddaemon.New(), // T3
			threadtimer.New(),  // T4
			gil.New(),          // T5
			download.New(),     // T6
		}},
		{N: 2, Title: "Synchronisation", Demos: []demos.Demo{
			race.New(),            // S1
			rlock.New(),           // S2
			semaphoresignal.New(), // S3a
			semaphorelimit.New(),  // S3b
			deadlock.New(),        // S4
			condition.New(),       // S5
			event.New(),           // S6
			trafficlight.New(),    // S7
			deferdemo.New(),       // S8
			barrier.New(),         // S9
		}},
		{N: 3, Title: "Queues", Demos: []demos.Demo{
			queue.New(),            // Q1
			producerconsumer.New(), // Q2
		}},
		{N: 4, Title: "Processes", Demos: []demos.Demo{
			procspawn.New(),     // P1
			procexec.New(),      // P2
			procfork.New(),      // P3
			procdaemon.New(),    // P4
			prockill.New(),      // P5
			procprintlock.New(), // P6
		}},
		{N: 5, Title: "Inter-process communication", Demos: []demos.Demo{
			ipcqueue.New(),   // I1
			ipcpipe.New(),    // I2
			ipcmanager.New(), // I3
			tickets.New(),    // I4
			ipcshared.New(),  // I5
		}},
		{N: 6, Title: "Pools and futures", Demos: []demos.Demo{
			poolprimes.New(),  // F1
			poolsum.New(),     // F2
			poolmap.New(),     // F3
			poolfutures.New(), // F4
			poolfetch.New(),   // F5
		}},
		{N: 7, Title: "Event loop and async", Demos: []demos.Demo{
			asyncloop.New(),     // A1
			asyncfsm.New(),      // A2
			asynctasks.New(),    // A3
			asyncfutures.New(),  // A4
			asyncworkers.New(),  // A5
			asyncexecutor.New(), // A6
		}},
		{N: 8, Title: "Coroutines", Demos: []demos.Demo{
			coroutinegenerator.New(),   // C1
			coroutineswitch.New(),      // C2
			coroutinecooperative.New(), // C3
			echo.New(),                 // C4 (last of the chapter)
		}},
	}
}

// Registry is every scenario in curriculum order, each knowing its chapter.
func Registry() []demos.Demo { return demos.Flatten(Chapters()) }

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
