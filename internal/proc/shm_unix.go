//go:build unix

package proc

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Shared is a block of memory shared by several processes: a file mapped
// into each one's address space (mmap with MAP_SHARED), so a store one
// process makes is a load another process sees — no copying, no pipe.
// It is Python's multiprocessing.Value and Array: a row of int64 words,
// read and written with atomic loads and stores (Word), and a lock that
// works across processes (Lock, Unlock), like a Value's get_lock().
//
// The creator makes it (CreateShared), every other process opens it by
// its path (OpenShared). Once all have it open, the creator removes the
// name (Unlink): the memory stays mapped in every process until the last
// one unmaps it, and nothing is left on disk, however the processes end.
type Shared struct {
	path  string
	f     *os.File
	mem   []byte
	words []atomic.Int64
	mu    sync.Mutex // one holder of the lock per process (flock is per open file)
	owner bool

	closeMu sync.Mutex
	closed  bool
}

// ErrSharedClosed is a use of a Shared after Close.
var ErrSharedClosed = errors.New("the shared memory is closed")

// MaxSharedWords bounds a Shared's size (8 bytes a word).
const MaxSharedWords = 1 << 20

// sharedDir is where shared memory files live: /dev/shm (memory, never
// disk) where there is one, else the temporary directory.
func sharedDir() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// CreateShared makes a new shared block of n int64 words, all zero, in a
// fresh file that only this user may open. Close unmaps it and, since this
// process made it, removes the file if Unlink has not already.
func CreateShared(n int) (*Shared, error) {
	if n < 1 || n > MaxSharedWords {
		return nil, fmt.Errorf("shared memory of %d words: want 1 to %d", n, MaxSharedWords)
	}
	f, err := os.CreateTemp(sharedDir(), "pardemo-shm-*")
	if err != nil {
		return nil, fmt.Errorf("creating shared memory: %w", err)
	}
	if err := f.Truncate(int64(n) * 8); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("sizing shared memory: %w", err)
	}
	s, err := mapShared(f)
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	s.owner = true
	return s, nil
}

// OpenShared maps the shared block another process made (Shared.Path).
func OpenShared(path string) (*Shared, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("opening shared memory: %w", err)
	}
	return mapShared(f)
}

func mapShared(f *os.File) (*Shared, error) {
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	size := fi.Size()
	if size < 8 || size%8 != 0 || size > MaxSharedWords*8 {
		f.Close()
		return nil, fmt.Errorf("%s is %d bytes: not a shared block of int64 words", f.Name(), size)
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mapping shared memory: %w", err)
	}
	// A mapping starts on a page boundary, so every word is 8-byte aligned,
	// as the atomic instructions need.
	words := unsafe.Slice((*atomic.Int64)(unsafe.Pointer(&mem[0])), size/8)
	return &Shared{path: f.Name(), f: f, mem: mem, words: words}, nil
}

// Path is the file to hand to another process (OpenShared), until Unlink.
func (s *Shared) Path() string { return s.path }

// Len is the number of words.
func (s *Shared) Len() int { return len(s.words) }

// Word is the i-th word, to Load, Store and Add atomically. A plain
// Load, then a Store of a value computed from it, is two steps: another
// process may store in between, and its update is then lost — the lesson
// of ipc shared. Use the lock, or Add, to make it one. The pointer is
// valid until Close.
func (s *Shared) Word(i int) *atomic.Int64 { return &s.words[i] }

// Lock takes the block's lock, which excludes every other process (and
// every other goroutine of this one) that takes it. It is flock(2) on the
// block's file: if the holder dies, the kernel lets the lock go, so a
// crashed process never leaves the others waiting for ever.
//
// Closing a Shared while holding its lock releases it for the other
// processes; this process must not lock that Shared again.
func (s *Shared) Lock() error {
	if s.isClosed() {
		return ErrSharedClosed
	}
	s.mu.Lock()
	if err := s.flock(syscall.LOCK_EX); err != nil {
		s.mu.Unlock()
		return err
	}
	return nil
}

// Unlock lets the lock go.
func (s *Shared) Unlock() error {
	err := s.flock(syscall.LOCK_UN)
	s.mu.Unlock()
	return err
}

func (s *Shared) isClosed() bool {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	return s.closed
}

func (s *Shared) flock(how int) error {
	if s.isClosed() {
		return ErrSharedClosed
	}
	for {
		err := syscall.Flock(int(s.f.Fd()), how)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("shared memory lock: %w", err)
		}
		return nil
	}
}

// Unlink removes the block's file. Processes that have it mapped keep
// using the memory; nobody can open it any more. Call it once every
// process has opened the block, so no file outlives the run.
func (s *Shared) Unlink() error {
	err := os.Remove(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Close unmaps the memory and closes the file (releasing the lock if this
// process held it); the creator also removes the file. Words must not be
// used afterwards. Closing twice is harmless.
func (s *Shared) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	errs := []error{syscall.Munmap(s.mem), s.f.Close()}
	s.words, s.mem = nil, nil
	if s.owner {
		errs = append(errs, s.Unlink())
	}
	return errors.Join(errs...)
}
