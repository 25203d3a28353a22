package proc_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/proc"
)

type doc struct {
	Tickets int    `json:"tickets"`
	Pad     string `json:"pad,omitempty"`
}

func newDB(t testing.TB) proc.FileDB {
	t.Helper()
	db := proc.OpenFileDB(filepath.Join(t.TempDir(), "db.json"))
	if err := db.Write(doc{Tickets: 0}); err != nil {
		t.Fatal(err)
	}
	return db
}

// flock locks belong to an open file, so two handles exclude each other
// even inside one process, exactly as two processes would.
func TestFileLockExcludesAnotherHandle(t *testing.T) {
	db := newDB(t)
	a, b := db.Locker(), db.Locker()
	if err := a.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("second handle TryLock = %v, %v while the first holds the lock", ok, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := b.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second handle Lock = %v, want the context's deadline", err)
	}
	// The data file is replaced by rename while the lock is held: the lock
	// lives on its own file, so it is still held afterwards.
	if err := db.Write(doc{Tickets: 7}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.TryLock(); ok {
		t.Fatal("the lock was lost when the data file was replaced")
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := b.Lock(context.Background()); err != nil {
		t.Fatalf("lock not free after Unlock: %v", err)
	}
	b.Unlock()
	if db.LockPath() == db.Path() {
		t.Fatal("lock file and data file are the same")
	}
}

// A waiter whose context is cancelled gets its goroutine back.
func TestFileLockCancelledWaiterReturns(t *testing.T) {
	db := newDB(t)
	holder := db.Locker()
	if err := holder.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer holder.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- db.Locker().Lock(ctx) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Lock = %v, want context.Canceled", err)
	}
}

// Many handles doing read-modify-write under the lock lose no update; the
// "inside" counter catches two holders at once directly.
func TestFileLockSerialisesReadModifyWrite(t *testing.T) {
	db := newDB(t)
	const workers, rounds = 6, 25
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			l := db.Locker() // one handle per worker, like one per process
			for range rounds {
				if err := l.Lock(context.Background()); err != nil {
					errs <- err
					return
				}
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				var d doc
				err := db.Read(&d)
				if err == nil {
					runtime.Gosched() // invite the others in, if the lock would let them
					d.Tickets++
					err = db.Write(d)
				}
				inside.Add(-1)
				l.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := overlaps.Load(); n > 0 {
		t.Errorf("%d times two handles held the lock at once", n)
	}
	var d doc
	if err := db.Read(&d); err != nil {
		t.Fatal(err)
	}
	if d.Tickets != workers*rounds {
		t.Errorf("counter = %d, want %d: updates were lost", d.Tickets, workers*rounds)
	}
}

// Readers racing a writer that rewrites the file in a loop never see a
// half-written document: each read finds the old file or the new one.
func TestAtomicWriteWithConcurrentReaders(t *testing.T) {
	db := newDB(t)
	const writes = 200
	var stop atomic.Bool
	var reads, bad atomic.Int64
	var firstBad atomic.Value
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for !stop.Load() {
				var d doc
				if err := db.Read(&d); err != nil {
					if bad.Add(1) == 1 {
						firstBad.Store(err.Error())
					}
				} else if len(d.Pad) != d.Tickets%97*40 {
					bad.Add(1)
					firstBad.Store("document with a torn pad")
				}
				reads.Add(1)
			}
		})
	}
	for i := range writes {
		// Sizes vary, so a non-atomic rewrite (truncate, then write) would be
		// caught as empty, short or mixed content.
		if err := db.Write(doc{Tickets: i, Pad: strings.Repeat("x", i%97*40)}); err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Fatalf("%d of %d reads saw an invalid document, first: %v", n, reads.Load(), firstBad.Load())
	}
	assertNoTemp(t, db)
	t.Logf("%d reads during %d atomic writes, all valid", reads.Load(), writes)
}

func assertNoTemp(t *testing.T, db proc.FileDB) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestReadReportsCorruptFile(t *testing.T) {
	db := newDB(t)
	if err := os.WriteFile(db.Path(), []byte(`{"tickets": 1`), 0o644); err != nil {
		t.Fatal(err)
	}
	var d doc
	err := db.Read(&d)
	if !errors.Is(err, proc.ErrCorrupt) || !strings.Contains(err.Error(), db.Path()) {
		t.Fatalf("Read of a truncated file = %v, want ErrCorrupt naming the file", err)
	}
	missing := proc.OpenFileDB(filepath.Join(t.TempDir(), "nope.json"))
	if err := missing.Read(&d); !errors.Is(err, fs.ErrNotExist) || errors.Is(err, proc.ErrCorrupt) {
		t.Fatalf("Read of a missing file = %v, want not-exist", err)
	}
}

func TestWriteKeepsPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix permissions")
	}
	db := newDB(t)
	if err := os.Chmod(db.Path(), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(doc{Tickets: 2}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after Write = %v, want 0640", fi.Mode().Perm())
	}
}

// CleanTemp removes only what the named writers left behind.
func TestCleanTemp(t *testing.T) {
	db := newDB(t)
	dir := filepath.Dir(db.Path())
	mine := filepath.Join(dir, ".db.json.4242.tmp-123")
	other := filepath.Join(dir, ".db.json.4243.tmp-456")
	for _, f := range []string{mine, other} {
		if err := os.WriteFile(f, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CleanTemp(4242, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("leftover of pid 4242 still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another writer's file was removed: %v", err)
	}
	if _, err := os.Stat(db.Path()); err != nil {
		t.Errorf("the database itself was removed: %v", err)
	}
}

// The longest database name there is room for works, lock file included:
// the temporary file it is written through gets a shortened name (see
// TestTempPrefixFits for CleanTemp finding it).
func TestLongNames(t *testing.T) {
	dir := t.TempDir()
	base := strings.Repeat("é", (proc.MaxDBName-5)/2) + ".json" // multi-byte, so the cut must respect characters
	if len(base) > proc.MaxDBName {
		t.Fatalf("test set-up: %d-byte name", len(base))
	}
	db := proc.OpenFileDB(filepath.Join(dir, base))
	l := db.Locker()
	if err := l.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if err := db.Write(map[string]int{"tickets": 1}); err != nil {
		t.Fatalf("Write with a %d-byte name: %v", len(base), err)
	}
	var v map[string]int
	if err := db.Read(&v); err != nil || v["tickets"] != 1 {
		t.Fatalf("Read = %v, %v", v, err)
	}
	names, _ := os.ReadDir(dir)
	for _, e := range names {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("Write left %q behind", e.Name())
		}
	}
}

// BenchmarkFlockAcquireRelease is the price of one uncontended lock and
// unlock: an open, a flock(2) and a close.
func BenchmarkFlockAcquireRelease(b *testing.B) {
	l := proc.NewFileLock(filepath.Join(b.TempDir(), "bench.lock"))
	ctx := context.Background()
	for b.Loop() {
		if err := l.Lock(ctx); err != nil {
			b.Fatal(err)
		}
		if err := l.Unlock(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAtomicWrite is the price of one durable rewrite (temp file,
// fsync, rename): it is what each buyer pays to save the count.
func BenchmarkAtomicWrite(b *testing.B) {
	db := proc.OpenFileDB(filepath.Join(b.TempDir(), "bench.json"))
	for b.Loop() {
		if err := db.Write(doc{Tickets: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
