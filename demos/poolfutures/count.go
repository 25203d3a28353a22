package poolfutures

// Loops is how many times the cookbook's count(x) goes round its loop.
const Loops = 10_000_000

// chunk is how many rounds Count does between two checks that it should
// keep going: a few milliseconds of work.
const chunk = 1 << 23

// Count is the cookbook's count(x): go round a loop loops times, adding
// one to a counter each time, and return the counter × x. The loop is the
// work; nothing is stored.
//
// Every mode — the sequential loop, the goroutine pool, the worker
// processes — calls this one function, and go:noinline keeps it one
// function: inlined into each caller, the same loop would be compiled
// (and aligned in memory) differently in each, and a pool could look
// slower or faster than the sequential run for no reason of its own.
// Every chunk it calls more (when not nil), and gives up, ok false, if
// more says so.
//
//go:noinline
func Count(loops, x int64, more func() bool) (result int64, ok bool) {
	var counter int64
	for done := int64(0); done < loops; done += chunk {
		if done > 0 && more != nil && !more() {
			return 0, false
		}
		for range min(chunk, loops-done) {
			counter++
		}
	}
	return counter * x, true
}
