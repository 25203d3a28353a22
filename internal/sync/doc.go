// Package sync provides the Python threading and queue primitives that Go's
// standard library does not have: Event, Barrier, ReentrantLock, counting
// and bounded Semaphores, and a joinable Queue in FIFO, LIFO and priority
// order.
//
// They are written by hand on purpose: each one is a small lesson in building
// a blocking primitive from a mutex and channels. Import it under another
// name so it does not clash with the standard library:
//
//	import isync "github.com/pardemo/pardemo/internal/sync"
//
// Every blocking method takes a context.Context, because sync.Cond cannot be
// cancelled and a stuck goroutine is the most common concurrency bug. The
// *Timeout variants mirror Python's timeout= arguments.
package sync
