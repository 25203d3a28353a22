package ui

import (
	"io"
	"os"
	"sync"
	"syscall"
)

// WriteError is a failed write to the output: a full disk, a closed pipe
// (`pardemo tickets | head -1`). It is a runtime error, and the run that
// meets it stops.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "cannot write output: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// ErrWriter passes writes through to an io.Writer and remembers the first
// one that failed: after it, every write fails the same way without
// touching the writer, so a renderer that writes a line in several pieces
// never prints half of one, and whoever owns the output can ask once, at
// a convenient moment, whether any of it was lost.
type ErrWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err *WriteError
}

// NewErrWriter wraps w; a w that already is an *ErrWriter is returned as it
// is, so every layer shares one memory of the first error.
func NewErrWriter(w io.Writer) *ErrWriter {
	if ew, ok := w.(*ErrWriter); ok {
		return ew
	}
	return &ErrWriter{w: w}
}

func (w *ErrWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = &WriteError{err}
		return n, w.err
	}
	return n, nil
}

// Probe finds out, without writing, whether the output has gone away: a
// pipe whose reader has closed it. A run that prints nothing for a while
// (a long computation) would otherwise notice only at its next write. It
// then remembers that as the first failed write (EPIPE, as a write would
// have failed) and returns it; otherwise it returns Err. It is cheap
// enough to call every tick of a watchdog.
func (w *ErrWriter) Probe() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.w.(*os.File); ok && w.err == nil && readerGone(f) {
		w.err = &WriteError{&os.PathError{Op: "write", Path: f.Name(), Err: syscall.EPIPE}}
	}
	if w.err == nil {
		return nil
	}
	return w.err
}

// Err is the first write error, a *WriteError, or nil.
func (w *ErrWriter) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		return nil // not a typed nil
	}
	return w.err
}
