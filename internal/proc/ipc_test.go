//go:build unix

package proc_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/proc"
)

// The children of the IPC tests join the package's roles.
func init() {
	roles["test/ipc-pipe"] = func(ctx context.Context, s *proc.Self) error {
		c, err := proc.OpenPipe(s.File(0), s.File(1))
		if err != nil {
			return err
		}
		defer c.Close()
		var mode string
		if err := s.Args(&mode); err != nil {
			return err
		}
		switch mode {
		case "two":
			for _, m := range []string{"hello", "world"} {
				if err := c.Send(m); err != nil {
					return err
				}
			}
			return nil
		case "wait":
			// A receive the child gives up when its context ends (the
			// parent closed its stdin): inherited pipe ends must be
			// pollable for that.
			var v any
			err := c.RecvCtx(ctx, &v)
			if ctx.Err() != nil {
				return s.Result("gave up: " + err.Error())
			}
			return fmt.Errorf("receive returned %v before the context ended", err)
		case "echo":
			for {
				p, err := c.RecvBytes()
				if errors.Is(err, proc.ErrEndOfStream) {
					return nil
				}
				if err != nil {
					return err
				}
				if err := c.SendBytes(p); err != nil {
					return err
				}
			}
		}
		return fmt.Errorf("unknown mode %q", mode)
	}
	roles["test/ipc-shm"] = func(ctx context.Context, s *proc.Self) error {
		var a shmArgs
		if err := s.Args(&a); err != nil {
			return err
		}
		sh, err := proc.OpenShared(a.Path)
		if err != nil {
			return err
		}
		defer sh.Close()
		if err := s.StartLine(ctx); err != nil {
			return err
		}
		switch {
		case a.Double:
			for i := range sh.Len() {
				sh.Word(i).Store(2 * sh.Word(i).Load())
			}
		case a.Lock:
			for range a.N {
				if err := sh.Lock(); err != nil {
					return err
				}
				w := sh.Word(0)
				w.Store(w.Load() + 1)
				if err := sh.Unlock(); err != nil {
					return err
				}
			}
		default:
			for range a.N {
				w := sh.Word(0)
				w.Store(w.Load() + 1)
			}
		}
		return s.Result(s.Pid)
	}
	roles["test/ipc-queue"] = func(ctx context.Context, s *proc.Self) error {
		var a struct {
			Addr string
			Put  []int
			Get  int
		}
		if err := s.Args(&a); err != nil {
			return err
		}
		q, err := proc.DialQueue(ctx, a.Addr, s.Name)
		if err != nil {
			return err
		}
		defer q.Close()
		for _, v := range a.Put {
			if _, err := q.Put(ctx, []any{42, v, "hello"}); err != nil {
				return err
			}
		}
		var got [][]any
		for range a.Get {
			var v []any
			if _, err := q.Get(ctx, &v); err != nil {
				return err
			}
			got = append(got, v)
			if err := q.TaskDone(ctx); err != nil {
				return err
			}
		}
		return s.Result(got)
	}
	roles["test/ipc-manager"] = func(ctx context.Context, s *proc.Self) error {
		var path string
		if err := s.Args(&path); err != nil {
			return err
		}
		srv, err := proc.ListenManager(path)
		if err != nil {
			return err
		}
		if err := s.StartLine(ctx); err != nil {
			srv.Close()
			return err
		}
		return srv.Serve(ctx) // until the parent closes our stdin
	}
}

type shmArgs struct {
	Path   string
	N      int
	Lock   bool
	Double bool
}

func start(t *testing.T, role, name string, args any, files ...*os.File) *proc.Child {
	t.Helper()
	c, err := proc.Start(context.Background(), proc.Spec{Role: role, Name: name, Args: args, ExtraFiles: files})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		f.Close()
	}
	t.Cleanup(func() { c.Kill(); <-c.Done() })
	return c
}

// I2's shape across a real process: two messages, then end of stream at
// once, and a send to the gone child is an error too.
func TestPipeEndOfStreamAcrossProcesses(t *testing.T) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	c := start(t, "test/ipc-pipe", "sender", "two", theirs[:]...)
	var got []string
	for range 2 {
		var s string
		if err := mine.Recv(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if !slices.Equal(got, []string{"hello", "world"}) {
		t.Errorf("got %q", got)
	}
	t0 := time.Now()
	var s string
	err = mine.Recv(&s)
	if !errors.Is(err, proc.ErrEndOfStream) || !errors.Is(err, io.EOF) {
		t.Errorf("third receive: %v, want end of stream", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("end of stream took %v", d)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	// The child is gone: sending fails, sooner or later, with ErrPeerGone.
	for range 10 {
		if err = mine.Send("anyone?"); err != nil {
			break
		}
	}
	if !errors.Is(err, proc.ErrPeerGone) {
		t.Errorf("send to a gone child: %v, want ErrPeerGone", err)
	}
}

// A peer that dies in the middle of a message is reported as such.
func TestPipePeerDiesMidMessage(t *testing.T) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], 100)
	theirs[0].Close()
	theirs[1].Write(hdr[:])
	theirs[1].Write([]byte("only ten b"))
	theirs[1].Close()
	if _, err := mine.RecvBytes(); !errors.Is(err, proc.ErrPeerDied) {
		t.Errorf("receive of a cut message: %v, want ErrPeerDied", err)
	}
	if _, err := mine.RecvBytes(); !errors.Is(err, proc.ErrBroken) {
		t.Errorf("receive after: %v, want ErrBroken", err)
	}
}

// A receive that gives up before a message begins leaves the pipe usable;
// closing our own end makes a waiting receive return, not hang.
func TestPipeCancelAndClose(t *testing.T) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	other, err := proc.OpenPipe(theirs[0], theirs[1])
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := mine.RecvBytesCtx(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled receive: %v", err)
	}
	if err := other.Send(7); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := mine.Recv(&n); err != nil || n != 7 {
		t.Fatalf("after a cancelled receive: %d, %v", n, err)
	}
	done := make(chan error)
	go func() { _, err := mine.RecvBytes(); done <- err }()
	time.Sleep(10 * time.Millisecond)
	mine.Close()
	select {
	case err := <-done:
		if !errors.Is(err, proc.ErrConnClosed) {
			t.Errorf("receive on a closed end: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("receive did not return when its end closed")
	}
	if err := other.CloseWrite(); err != nil {
		t.Fatal(err)
	}
}

// Many goroutines send at once on both ends: every message arrives whole.
func TestPipeConcurrentSenders(t *testing.T) {
	a, theirs, err := proc.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b, err := proc.OpenPipe(theirs[0], theirs[1])
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	const senders, each = 8, 200
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			msg := make([]byte, 100+i*500)
			for j := range msg {
				msg[j] = byte(i)
			}
			for range each {
				if err := a.SendBytes(msg); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	counts := make([]int, senders)
	for range senders * each {
		p, err := b.RecvBytes()
		if err != nil {
			t.Fatal(err)
		}
		i := int(p[0])
		if len(p) != 100+i*500 || slices.ContainsFunc(p, func(x byte) bool { return x != p[0] }) {
			t.Fatalf("message of sender %d mixed up: %d bytes", i, len(p))
		}
		counts[i]++
	}
	wg.Wait()
	for i, n := range counts {
		if n != each {
			t.Errorf("sender %d: %d messages arrived, want %d", i, n, each)
		}
	}
}

func newShared(t testing.TB, n int) *proc.Shared {
	t.Helper()
	sh, err := proc.CreateShared(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		path := sh.Path()
		sh.Close()
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("shared memory file %s left behind", path)
		}
	})
	return sh
}

func runShared(t *testing.T, sh *proc.Shared, n int, a shmArgs) {
	t.Helper()
	members := make([]proc.Member, n)
	for i := range members {
		members[i] = proc.Member{Name: fmt.Sprintf("adder-%d", i+1), Args: a}
	}
	ctx := context.Background()
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/ipc-shm"}, members)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Kill()
	if err := g.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	// All have it mapped: the name can go, the memory stays.
	if err := sh.Unlink(); err != nil {
		t.Fatal(err)
	}
	if err := g.Release(); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// With the lock, increments from several processes are exact; the file is
// gone while they run.
func TestSharedLockAcrossProcesses(t *testing.T) {
	sh := newShared(t, 1)
	a := shmArgs{Path: sh.Path(), N: 2000, Lock: true}
	runShared(t, sh, 4, a)
	if got := sh.Word(0).Load(); got != 8000 {
		t.Errorf("locked total %d, want 8000", got)
	}
	if _, err := os.Stat(a.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unlinked file still there: %v", err)
	}
}

// A child's stores are the parent's loads: the memory is one.
func TestSharedChildWritesParentSees(t *testing.T) {
	sh := newShared(t, 10)
	for i := range 10 {
		sh.Word(i).Store(int64(i))
	}
	runShared(t, sh, 1, shmArgs{Path: sh.Path(), Double: true})
	for i := range 10 {
		if got := sh.Word(i).Load(); got != int64(2*i) {
			t.Errorf("word %d = %d, want %d", i, got, 2*i)
		}
	}
}

// The lock excludes goroutines of one process too, and the kernel
// releases it when the file closes.
func TestSharedLockInOneProcess(t *testing.T) {
	sh := newShared(t, 1)
	other, err := proc.OpenShared(sh.Path())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		s := sh
		if i%2 == 1 {
			s = other
		}
		wg.Go(func() {
			for range 500 {
				if err := s.Lock(); err != nil {
					t.Error(err)
					return
				}
				w := s.Word(0)
				w.Store(w.Load() + 1)
				s.Unlock()
			}
		})
	}
	wg.Wait()
	if got := sh.Word(0).Load(); got != 2000 {
		t.Errorf("total %d, want 2000", got)
	}
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	other.Close() // dies holding the lock, as far as the kernel knows
	done := make(chan error)
	go func() { done <- sh.Lock() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		sh.Unlock()
	case <-time.After(2 * time.Second):
		t.Fatal("the lock of a closed holder was not released")
	}
	if err := other.Lock(); !errors.Is(err, proc.ErrSharedClosed) {
		t.Errorf("lock after close: %v", err)
	}
}

func TestSharedRefusesBadSizes(t *testing.T) {
	for _, n := range []int{0, -1, proc.MaxSharedWords + 1} {
		if _, err := proc.CreateShared(n); err == nil {
			t.Errorf("CreateShared(%d) succeeded", n)
		}
	}
	f := filepath.Join(t.TempDir(), "odd")
	os.WriteFile(f, []byte("12345"), 0o600)
	if _, err := proc.OpenShared(f); err == nil {
		t.Error("opened a 5-byte file as shared words")
	}
}

func newQueue(t testing.TB, capacity int, onOp func(proc.QueueOp)) *proc.Queue {
	t.Helper()
	q, err := proc.NewQueue(capacity, onOp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		q.Close()
		if _, err := os.Stat(filepath.Dir(q.Addr())); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("queue socket directory left behind: %v", err)
		}
	})
	return q
}

func dial(t testing.TB, q *proc.Queue, who string) *proc.QueueClient {
	t.Helper()
	c, err := proc.DialQueue(context.Background(), q.Addr(), who)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Three children each put [42, n, "hello"]; a fourth child gets them all
// (child to child), and the parent's Join returns once it marked them done.
func TestQueueChildToChild(t *testing.T) {
	var ops []proc.QueueOp
	var mu sync.Mutex
	q := newQueue(t, 0, func(op proc.QueueOp) { mu.Lock(); ops = append(ops, op); mu.Unlock() })
	getter := start(t, "test/ipc-queue", "getter", map[string]any{"Addr": q.Addr(), "Get": 3})
	for i := range 3 {
		start(t, "test/ipc-queue", fmt.Sprintf("putter-%d", i+1), map[string]any{"Addr": q.Addr(), "Put": []int{i + 1}})
	}
	parent := dial(t, q, "parent")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := parent.Join(ctx); err != nil {
		t.Fatal(err)
	}
	var got [][]any
	if err := getter.Result(&got); err != nil {
		t.Fatal(err)
	}
	var ns []int
	for _, r := range got {
		if len(r) != 3 || r[0] != float64(42) || r[2] != "hello" {
			t.Errorf("record %v", r)
		}
		ns = append(ns, int(r[1].(float64)))
	}
	slices.Sort(ns)
	if !slices.Equal(ns, []int{1, 2, 3}) {
		t.Errorf("got records %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	puts, gets, dones := 0, 0, 0
	for _, op := range ops {
		switch op.Op {
		case "put":
			puts++
		case "get":
			gets++
			if op.Who != "getter" || op.From == "" || op.Pid != getter.Pid {
				t.Errorf("get op %+v", op)
			}
		case "task_done":
			dones++
		}
	}
	if puts != 3 || gets != 3 || dones != 3 || q.Size() != 0 || q.Unfinished() != 0 {
		t.Errorf("ops: %d puts, %d gets, %d done; size %d unfinished %d", puts, gets, dones, q.Size(), q.Unfinished())
	}
}

// Many producers and consumers at once: every item is got exactly once,
// in each producer's order, and the sizes the queue reports add up.
func TestQueueStress(t *testing.T) {
	q := newQueue(t, 5, nil)
	const producers, consumers, each = 4, 4, 250
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := range producers {
		c := dial(t, q, fmt.Sprint("p", p))
		wg.Go(func() {
			for i := range each {
				if size, err := c.Put(ctx, [2]int{p, i}); err != nil || size < 1 || size > 5 {
					t.Errorf("put: size %d, %v", size, err)
					return
				}
			}
		})
	}
	got := make(chan [2]int, producers*each)
	for k := range consumers {
		c := dial(t, q, fmt.Sprint("c", k))
		wg.Go(func() {
			for range producers * each / consumers {
				var v [2]int
				if _, err := c.Get(ctx, &v); err != nil {
					t.Error(err)
					return
				}
				got <- v
				if err := c.TaskDone(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(got)
	seen := map[[2]int]bool{}
	for v := range got {
		if seen[v] {
			t.Errorf("item %v got twice", v)
		}
		seen[v] = true
	}
	if len(seen) != producers*each {
		t.Errorf("%d distinct items, want %d", len(seen), producers*each)
	}
	c := dial(t, q, "last")
	if err := c.TaskDone(ctx); !errors.Is(err, proc.ErrTaskDoneTooOften) {
		t.Errorf("one task_done too many: %v", err)
	}
	if err := c.Join(ctx); err != nil {
		t.Error(err)
	}
}

// A get that gives up loses nothing; closing the queue wakes every waiter
// with ErrQueueClosed.
func TestQueueCancelAndClose(t *testing.T) {
	q := newQueue(t, 1, nil)
	c := dial(t, q, "getter")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	var v int
	if _, err := c.Get(ctx, &v); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("get on an empty queue: %v", err)
	}
	p := dial(t, q, "putter")
	if _, err := p.Put(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), &v); err != nil || v != 5 {
		t.Fatalf("get after a cancelled one: %d, %v", v, err)
	}
	errs := make(chan error, 2)
	go func() { _, err := c.Get(context.Background(), &v); errs <- err }()
	go func() {
		var w int
		_, err := dial(t, q, "another").Get(context.Background(), &w)
		errs <- err
	}()
	time.Sleep(20 * time.Millisecond)
	q.Close()
	for range 2 {
		select {
		case err := <-errs:
			if err != nil && !errors.Is(err, proc.ErrQueueClosed) {
				t.Errorf("waiter on a closed queue: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("a waiter was not woken by Close")
		}
	}
	if _, err := p.Put(context.Background(), 3); !errors.Is(err, proc.ErrQueueClosed) {
		t.Errorf("put on a closed queue: %v", err)
	}
}

// A manager process serves the dict and the list; calls come back with
// its pid; when it is gone, a call says so.
func TestManagerProcess(t *testing.T) {
	dir, err := os.MkdirTemp("", "pardemo-mt-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.sock")
	mgr := start(t, "test/ipc-manager", "manager", path)
	select {
	case <-mgr.Ready():
	case <-mgr.Done():
		t.Fatal(mgr.Err())
	}
	mgr.Release()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			m, err := proc.DialManager(ctx, path)
			if err != nil {
				t.Error(err)
				return
			}
			defer m.Close()
			if ack, err := m.Set(ctx, i, i*2); err != nil || ack.Pid != mgr.Pid {
				t.Errorf("set: %+v %v", ack, err)
			}
			if _, err := m.Append(ctx, i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	m, err := proc.DialManager(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	st, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(st.List)
	if len(st.Dict) != 10 || st.Dict[7] != 14 || !slices.Equal(st.List, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) || st.Calls != 21 || st.Pid != mgr.Pid {
		t.Errorf("state %+v", st)
	}
	mgr.CloseInput() // the manager's context ends: it stops and removes its socket
	if err := mgr.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manager socket left behind: %v", err)
	}
	if _, err := m.Set(ctx, 1, 1); !errors.Is(err, proc.ErrManagerGone) {
		t.Errorf("call to a gone manager: %v", err)
	}
}

// A getter that goes away while it waits takes nothing with it: the next
// item goes to the next getter.
func TestQueueGetterGoneLosesNothing(t *testing.T) {
	q := newQueue(t, 0, nil)
	ctx := context.Background()
	for range 20 {
		gone := dial(t, q, "gone")
		errc := make(chan error, 1)
		go func() {
			var v int
			_, err := gone.Get(ctx, &v)
			errc <- err
		}()
		time.Sleep(time.Millisecond)
		gone.Close()
		<-errc
		p := dial(t, q, "putter")
		if _, err := p.Put(ctx, 7); err != nil {
			t.Fatal(err)
		}
		g := dial(t, q, "getter")
		var v int
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := g.Get(cctx, &v)
		cancel()
		if err != nil || v != 7 {
			t.Fatalf("the item after a vanished getter: %d, %v", v, err)
		}
		if q.Size() != 0 {
			t.Fatalf("size %d", q.Size())
		}
	}
}

// A child's receive on its inherited pipe end can be given up: its
// descriptors were made pollable.
func TestPipeChildReceiveCancels(t *testing.T) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	c := start(t, "test/ipc-pipe", "waiter", "wait", theirs[:]...)
	select {
	case <-c.Done():
		t.Fatalf("child ended early: %v", c.Err())
	case <-time.After(50 * time.Millisecond):
	}
	c.CloseInput()
	done := make(chan error, 1)
	go func() {
		var msg string
		err := c.Result(&msg)
		if err == nil && !strings.HasPrefix(msg, "gave up") {
			err = fmt.Errorf("result %q", msg)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the child's receive did not give up when its context ended")
	}
}

// A put waiting for room that gives up is not enqueued; one that got in
// first is.
func TestQueueCancelledPut(t *testing.T) {
	q := newQueue(t, 1, nil)
	p := dial(t, q, "putter")
	ctx := context.Background()
	if _, err := p.Put(ctx, 1); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := p.Put(cctx, 2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("put on a full queue: %v", err)
	}
	if q.Size() != 1 || q.Unfinished() != 1 {
		t.Fatalf("size %d unfinished %d after a cancelled put", q.Size(), q.Unfinished())
	}
	g := dial(t, q, "getter")
	var v int
	if _, err := g.Get(ctx, &v); err != nil || v != 1 {
		t.Fatalf("got %d, %v", v, err)
	}
	if q.Size() != 0 {
		t.Fatalf("size %d", q.Size())
	}
}
