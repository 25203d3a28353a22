package proc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofrs/flock"
)

// FileDB is a tiny database: one JSON document in one file, shared by
// several processes. It offers the two things such a file needs to survive
// concurrent use, and nothing more:
//
//   - an advisory lock across processes (Locker), taken on a separate
//     "<file>.lock" file, and
//   - reads and atomic writes of the document (Read, Write).
//
// Neither is automatic: a process that writes without holding the lock can
// still overwrite another's update. The lock only excludes processes that
// ask for it — that is what "advisory" means.
type FileDB struct {
	path string
}

// OpenFileDB names the database file at path. Nothing is opened yet: each
// Read, Write and lock opens what it needs, so a FileDB value may be used
// by any goroutine.
func OpenFileDB(path string) FileDB { return FileDB{path: path} }

// Path is the data file.
func (db FileDB) Path() string { return db.path }

// LockPath is the file the lock is taken on. It is not the data file:
// Write replaces the data file by renaming a new one over it, and a lock
// held on the old file would go with the old file, leaving the next process
// to lock the new one while the first still believes it is alone.
func (db FileDB) LockPath() string { return db.path + ".lock" }

// Locker returns a new lock handle for the database. A lock belongs to an
// open file, so two handles exclude each other even inside one process;
// each process (or goroutine) that wants the lock uses its own handle.
func (db FileDB) Locker() *FileLock { return NewFileLock(db.LockPath()) }

// ErrCorrupt marks a database file whose content is not valid JSON for
// the value read into.
var ErrCorrupt = errors.New("not valid JSON")

// Read decodes the document into v. A file that is not valid JSON gives an
// error wrapping ErrCorrupt that says which file and what is wrong.
func (db FileDB) Read(v any) error {
	data, err := os.ReadFile(db.path)
	if err != nil {
		return fmt.Errorf("reading database: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("database %s is %w: %v", db.path, ErrCorrupt, err)
	}
	return nil
}

// Write replaces the document with v atomically: it writes a temporary
// file in the same directory, flushes it to disk, and renames it over the
// database. A reader opens either the old file or the new one, never a
// half-written one, and a process killed in the middle leaves the old
// document in place (and, at worst, a stray temporary file: see
// CleanTemp).
func (db FileDB) Write(v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding database: %w", err)
	}
	data = append(data, '\n')
	dir, base := filepath.Split(db.path)
	if dir == "" {
		dir = "."
	}
	// Same directory, so the rename stays on one file system (a rename
	// across file systems is a copy, and not atomic). The pid in the name
	// lets CleanTemp find what a killed writer left behind.
	tmp, err := os.CreateTemp(dir, tempPrefix(base, os.Getpid())+"*")
	if err != nil {
		return fmt.Errorf("writing database: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// Keep the permissions of the file being replaced (CreateTemp makes
	// files only their owner can read).
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(db.path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("writing database: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing database: %w", err)
	}
	// Flush before the rename: otherwise a crash of the machine could
	// leave the new name pointing at a file whose bytes never reached disk.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing database: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing database: %w", err)
	}
	if err := os.Rename(tmp.Name(), db.path); err != nil {
		return fmt.Errorf("writing database: %w", err)
	}
	done = true
	// Make the rename itself durable (a no-op where directories cannot be
	// synced).
	syncDir(dir)
	return nil
}

// CleanTemp removes the temporary files that writers with the given pids
// left behind because they were killed between creating and renaming
// them. Call it only once those processes are gone.
func (db FileDB) CleanTemp(pids ...int) error {
	dir, base := filepath.Split(db.path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		for _, pid := range pids {
			if strings.HasPrefix(e.Name(), tempPrefix(base, pid)) {
				if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// MaxDBName is the longest database file name that works: the lock file
// adds ".lock", and most file systems allow names of 255 bytes.
const MaxDBName = nameMax - len(".lock")

// nameMax is the longest file name most file systems allow, in bytes.
const nameMax = 255

// tempPrefix is how the temporary files of the writer with pid begin. The
// database's name is shortened in it when needed, so that with
// os.CreateTemp's random suffix (at most 10 digits) every allowed database
// name still makes an allowed temporary name.
func tempPrefix(base string, pid int) string {
	tail := "." + strconv.Itoa(pid) + ".tmp-"
	if room := nameMax - 10 - 1 - len(tail); len(base) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut-- // never split a character
		}
		base = base[:cut]
	}
	return "." + base + tail
}

// LockRetry is how often a waiting Lock tries again. Short enough that a
// waiter notices a released lock quickly even at a high --speed, long
// enough to cost nothing.
const LockRetry = 2 * time.Millisecond

// FileLock is an exclusive advisory lock on a file, across processes
// (flock(2) on unix, LockFileEx on Windows). The lock file is created if
// needed and never removed: deleting a lock file while another process
// has it open is a classic way to end up with two holders.
type FileLock struct {
	f *flock.Flock
}

// NewFileLock returns an unlocked handle on the lock file at path.
func NewFileLock(path string) *FileLock { return &FileLock{f: flock.New(path)} }

// Path is the lock file.
func (l *FileLock) Path() string { return l.f.Path() }

// Lock takes the lock, waiting while another handle holds it, until ctx
// ends. It polls (every LockRetry) instead of blocking in the kernel, so
// a cancelled caller always gets its goroutine back.
func (l *FileLock) Lock(ctx context.Context) error {
	ok, err := l.f.TryLockContext(ctx, LockRetry)
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("locking %s: %w", l.f.Path(), err)
	}
	if !ok {
		return fmt.Errorf("locking %s: not acquired", l.f.Path())
	}
	return nil
}

// TryLock takes the lock if it is free and reports whether it did.
func (l *FileLock) TryLock() (bool, error) { return l.f.TryLock() }

// Unlock releases the lock and closes the lock file. The lock is also
// released when the process ends, however it ends.
func (l *FileLock) Unlock() error { return l.f.Unlock() }
