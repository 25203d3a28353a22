//go:build unix

package proc

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Pipe makes a duplex pipe — two kernel pipes, one each way, which is
// what Python's multiprocessing.Pipe(duplex=False) is, twice — and
// returns this process's end as a Conn and the other end as two files to
// hand to a child, in this order:
//
//	mine, theirs, err := proc.Pipe()
//	spec.ExtraFiles = theirs[:]      // the child: proc.OpenPipe(self.File(0), self.File(1))
//	c, err := proc.Start(ctx, spec)
//	theirs[0].Close(); theirs[1].Close() // now the child holds the only copies
//
// Closing the parent's copies of theirs matters: while any process holds
// the writing end of a pipe open, its reader waits instead of reporting
// end of stream. (Python's duplex Pipe() is a unix socket pair; a pair of
// pipes does the same job, and a pipe round trip costs less: see
// BenchmarkIPCRoundTripRawSocketPair beside BenchmarkIPCRoundTripRawPipe.)
func Pipe() (mine *Conn, theirs [2]*os.File, err error) {
	r1, w1, err := os.Pipe() // theirs → mine
	if err != nil {
		return nil, theirs, fmt.Errorf("making a pipe: %w", err)
	}
	r2, w2, err := os.Pipe() // mine → theirs
	if err != nil {
		r1.Close()
		w1.Close()
		return nil, theirs, fmt.Errorf("making a pipe: %w", err)
	}
	return NewConn(&pipePair{r: r1, w: w2}), [2]*os.File{r2, w1}, nil
}

// OpenPipe turns the other end of a Pipe — the two files a parent handed
// over (Self.File(0) and Self.File(1)) — into a Conn. It takes the files
// over: they are closed, the Conn holds copies of their descriptors.
func OpenPipe(r, w *os.File) (*Conn, error) {
	if r == nil || w == nil {
		return nil, errors.New("no pipe end was handed to this process")
	}
	pr, err := pollable(r)
	if err != nil {
		w.Close()
		return nil, err
	}
	pw, err := pollable(w)
	if err != nil {
		pr.Close()
		return nil, err
	}
	return NewConn(&pipePair{r: pr, w: pw}), nil
}

// pollable returns a copy of f in non-blocking mode, which Go's poller
// can wait on: so a receive can be given up (deadlines) and a Close
// interrupts a waiting read. A descriptor inherited from a parent comes in
// blocking mode (exec hands files over that way). f is closed.
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	syscall.ForkLock.RLock()
	fd, err := syscall.Dup(int(f.Fd()))
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("opening a pipe end: %w", err)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("opening a pipe end: %w", err)
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// pipePair is one end of a duplex pipe: the reading end of one pipe and
// the writing end of the other.
type pipePair struct{ r, w *os.File }

func (p *pipePair) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipePair) Write(b []byte) (int, error) { return p.w.Write(b) }

// CloseWrite closes the writing pipe: the peer reads to end of stream.
func (p *pipePair) CloseWrite() error { return p.w.Close() }

func (p *pipePair) SetReadDeadline(t time.Time) error { return p.r.SetReadDeadline(t) }

func (p *pipePair) Close() error {
	errW := p.w.Close()
	if errors.Is(errW, os.ErrClosed) {
		errW = nil // CloseWrite came first
	}
	return errors.Join(p.r.Close(), errW)
}
