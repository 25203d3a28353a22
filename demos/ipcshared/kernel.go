package ipcshared

import "sync/atomic"

// addOne is one update of the shared counter, the same machine code with
// and without the lock: read the word, pause (the window), write back what
// was read plus one. Each load and store is atomic, so no process ever
// sees half a number — but between this process's load and its store,
// another process may store, and this store then wipes that update out.
//
//go:noinline
func addOne(w *atomic.Int64, steps int) {
	v := w.Load()  // read
	spin(steps)    // the window: another process may write now...
	w.Store(v + 1) // ...and this write wipes out what it wrote
}

var sink atomic.Int64

// spin does a little arithmetic the compiler cannot remove: the width of
// the window.
//
//go:noinline
func spin(n int) {
	x := 1
	for i := range n {
		x += i ^ (x >> 1)
	}
	if x == 0 {
		sink.Add(1)
	}
}
