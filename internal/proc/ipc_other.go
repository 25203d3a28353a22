//go:build !unix

package proc

import (
	"os"
	"sync/atomic"
)

// Pipe is not available here: see ErrUnsupported.
func Pipe() (*Conn, [2]*os.File, error) { return nil, [2]*os.File{}, ErrUnsupported }

// OpenPipe is not available here: see ErrUnsupported.
func OpenPipe(r, w *os.File) (*Conn, error) { return nil, ErrUnsupported }

// Shared is not available here: see ErrUnsupported.
type Shared struct{}

// CreateShared is not available here: see ErrUnsupported.
func CreateShared(int) (*Shared, error) { return nil, ErrUnsupported }

// OpenShared is not available here: see ErrUnsupported.
func OpenShared(string) (*Shared, error) { return nil, ErrUnsupported }

// Path is empty here.
func (*Shared) Path() string { return "" }

// Len is 0 here.
func (*Shared) Len() int { return 0 }

// Word is not available here.
func (*Shared) Word(int) *atomic.Int64 { return nil }

// Lock is not available here.
func (*Shared) Lock() error { return ErrUnsupported }

// Unlock is not available here.
func (*Shared) Unlock() error { return ErrUnsupported }

// Unlink is not available here.
func (*Shared) Unlink() error { return nil }

// Close is not available here.
func (*Shared) Close() error { return nil }
