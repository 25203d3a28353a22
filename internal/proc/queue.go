package proc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Queue is a queue that several processes put to and get from, including
// child to child: Python's multiprocessing.Queue and JoinableQueue. It is
// served by the process that makes it, on a unix socket in a private
// temporary directory; every process that uses it — the maker too —
// connects with DialQueue and talks over its own connection (a Conn):
//
//	q, err := proc.NewQueue(0, nil)   // in the parent; q.Addr() to the children
//	c, err := proc.DialQueue(ctx, q.Addr(), "producer")
//	size, err := c.Put(ctx, 42)       // in any process
//	size, err = c.Get(ctx, &v)        // in any other: waits for an item
//
// The server holds the items, so the queue is ordered, its size is exact,
// and an item a dying getter never received goes back to the front. As
// in Python, Get waits while the queue is empty and Put while it is full
// (capacity > 0); both give up when their context ends. The JoinableQueue
// part: every Put adds an unfinished task, TaskDone finishes one, and Join
// waits until none is unfinished. When the server closes, every waiting
// call returns ErrQueueClosed.
//
// (Python's own Queue has no server: it is a pipe every process inherits,
// with a lock for readers and a feeder thread per writer. A Manager's queue
// is this design, and it is the one that needs no inherited descriptors.)
type Queue struct {
	dir, addr string
	ln        net.Listener
	capacity  int
	onOp      func(QueueOp)

	mu         sync.Mutex
	items      []queued
	unfinished int
	getters    []*waiter // gets waiting for an item, oldest first
	putters    []*waiter // puts waiting for room, oldest first
	joiners    []*waiter // joins waiting for no unfinished task
	conns      map[*Conn]bool
	closed     bool
	wg         sync.WaitGroup
}

type queued struct {
	data json.RawMessage
	by   string
}

// waiter is a call that could not be answered at once: it is answered
// later by whichever connection's goroutine makes it possible (a put for a
// waiting get, a get for a waiting put, the last task_done for a join),
// on the waiter's own connection. Every field is guarded by Queue.mu.
type waiter struct {
	c        *Conn
	op       string
	data     json.RawMessage // a put's item
	who      string
	pid      int
	answered bool
}

// QueueOp is one operation, as the queue saw it (see NewQueue).
type QueueOp struct {
	Op         string          // "put", "get", "task_done" or "joined" (a Join returned)
	Who        string          // the caller's name, from DialQueue
	Pid        int             // the caller's process id
	From       string          // for a get: who put the item
	Data       json.RawMessage // the item, for a put or a get
	Size       int             // items in the queue right after the operation
	Unfinished int             // unfinished tasks right after it (JoinableQueue)
}

// ErrQueueClosed is a queue call on a queue whose server has closed.
var ErrQueueClosed = errors.New("the queue is closed: its server has shut down")

// ErrTaskDoneTooOften is TaskDone with no unfinished task (Python raises
// ValueError: task_done() called too many times).
var ErrTaskDoneTooOften = errors.New("task_done called more times than items were put")

// NewQueue makes a queue that holds at most capacity items (0: no limit)
// and starts serving it. Close it when done: that also removes its socket.
//
// onOp, if not nil, is told of every operation as the queue performs it,
// while holding the queue's lock, so the sizes it reports come in the
// order the operations happened. It must not block.
func NewQueue(capacity int, onOp func(QueueOp)) (*Queue, error) {
	if capacity < 0 {
		return nil, fmt.Errorf("queue capacity %d is negative", capacity)
	}
	dir, err := os.MkdirTemp("", "pardemo-q-")
	if err != nil {
		return nil, err
	}
	addr := filepath.Join(dir, "queue.sock")
	ln, err := net.Listen("unix", addr)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("serving a queue: %w", err)
	}
	q := &Queue{dir: dir, addr: addr, ln: ln, capacity: capacity, onOp: onOp, conns: map[*Conn]bool{}}
	q.wg.Go(q.accept)
	return q, nil
}

// Addr is the queue's socket, for DialQueue in any process.
func (q *Queue) Addr() string { return q.addr }

// Size is the number of items in the queue now.
func (q *Queue) Size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// Unfinished is the number of items put and not yet marked done.
func (q *Queue) Unfinished() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.unfinished
}

// Close stops serving: every waiting call in every process returns
// ErrQueueClosed, every connection is closed, and the socket and its
// directory are removed. It returns once the server's goroutines are gone.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	err := q.ln.Close()
	for _, list := range [][]*waiter{q.getters, q.putters, q.joiners} {
		for _, w := range list {
			q.answer(w, qrep{Err: ErrQueueClosed.Error()})
		}
	}
	q.getters, q.putters, q.joiners = nil, nil, nil
	for c := range q.conns {
		c.Close()
	}
	q.mu.Unlock()
	q.wg.Wait()
	return errors.Join(err, os.RemoveAll(q.dir))
}

// Unlink removes the queue's socket and its directory while the queue
// keeps serving the connections it has: call it once every process that
// will use the queue has connected, and nothing is left on disk however
// this process ends from then on (even by SIGKILL). Nobody can connect
// afterwards.
func (q *Queue) Unlink() error { return os.RemoveAll(q.dir) }

func (q *Queue) accept() {
	for {
		nc, err := q.ln.Accept()
		if err != nil {
			return // closed
		}
		c := NewConn(nc)
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			c.Close()
			return
		}
		q.conns[c] = true
		q.mu.Unlock()
		q.wg.Go(func() { q.serve(c) })
	}
}

// qreq and qrep are the queue's wire messages.
type qreq struct {
	Op   string          `json:"op"` // hello, put, get, size, task_done, join, cancel
	Data json.RawMessage `json:"data,omitempty"`
	Who  string          `json:"who,omitempty"`
	Pid  int             `json:"pid,omitempty"`
}

type qrep struct {
	Data       json.RawMessage `json:"data,omitempty"`
	From       string          `json:"from,omitempty"`
	Size       int             `json:"size"`
	Unfinished int             `json:"unfinished"`
	Err        string          `json:"err,omitempty"`
	Cancelled  bool            `json:"cancelled,omitempty"`
}

// serve reads one connection's requests. Each is answered at once if it
// can be; if not, it waits in a list as a waiter and this goroutine reads
// on, so a cancel from the caller (its context ended), or its going away,
// is seen at once. The client makes one call at a time, so a connection
// has at most one waiter.
func (q *Queue) serve(c *Conn) {
	who, pid := "?", 0
	var pending *waiter
	defer func() {
		q.mu.Lock()
		if pending != nil && !pending.answered {
			q.drop(pending) // gone while waiting: nothing was taken for it
		}
		delete(q.conns, c)
		q.mu.Unlock()
		c.Close()
	}()
	for {
		var r qreq
		if c.Recv(&r) != nil {
			return
		}
		q.mu.Lock()
		switch {
		case r.Op == "cancel":
			if pending != nil && !pending.answered {
				q.drop(pending)
				q.answer(pending, qrep{Cancelled: true})
			} // else the call it cancels has been answered already
		case q.closed:
			q.reply(c, qrep{Err: ErrQueueClosed.Error()})
		case r.Op == "hello":
			who, pid = r.Who, r.Pid
			q.reply(c, qrep{})
		case r.Op == "size":
			q.reply(c, qrep{Size: len(q.items), Unfinished: q.unfinished})
		case r.Op == "task_done":
			if q.unfinished == 0 {
				q.reply(c, qrep{Err: ErrTaskDoneTooOften.Error()})
				break
			}
			q.unfinished--
			q.report(QueueOp{Op: "task_done", Who: who, Pid: pid, Size: len(q.items), Unfinished: q.unfinished})
			q.reply(c, qrep{Size: len(q.items), Unfinished: q.unfinished})
			q.dispatch()
		case r.Op == "put", r.Op == "get", r.Op == "join":
			pending = &waiter{c: c, op: r.Op, data: r.Data, who: who, pid: pid}
			switch r.Op {
			case "put":
				q.putters = append(q.putters, pending)
			case "get":
				q.getters = append(q.getters, pending)
			case "join":
				q.joiners = append(q.joiners, pending)
			}
			q.dispatch()
		default:
			q.reply(c, qrep{Err: fmt.Sprintf("unknown queue operation %q", r.Op)})
		}
		q.mu.Unlock()
	}
}

// dispatch answers every waiter that can be answered now, in order: puts
// that fit, gets that find an item, joins with nothing unfinished. q.mu
// is held.
func (q *Queue) dispatch() {
	for progress := true; progress; {
		progress = false
		for len(q.putters) > 0 && (q.capacity == 0 || len(q.items) < q.capacity) {
			w := q.putters[0]
			q.putters = q.putters[1:]
			q.items = append(q.items, queued{data: w.data, by: w.who})
			q.unfinished++
			q.report(QueueOp{Op: "put", Who: w.who, Pid: w.pid, Data: w.data, Size: len(q.items), Unfinished: q.unfinished})
			q.answer(w, qrep{Size: len(q.items), Unfinished: q.unfinished})
			progress = true
		}
		for len(q.getters) > 0 && len(q.items) > 0 {
			w := q.getters[0]
			q.getters = q.getters[1:]
			it := q.items[0]
			q.items[0] = queued{}
			q.items = q.items[1:]
			if !q.answer(w, qrep{Data: it.data, From: it.by, Size: len(q.items), Unfinished: q.unfinished}) {
				// The getter is gone: the item goes back to the front.
				q.items = append([]queued{it}, q.items...)
				continue
			}
			q.report(QueueOp{Op: "get", Who: w.who, Pid: w.pid, From: it.by, Data: it.data, Size: len(q.items), Unfinished: q.unfinished})
			progress = true
		}
	}
	if q.unfinished == 0 {
		for _, w := range q.joiners {
			q.report(QueueOp{Op: "joined", Who: w.who, Pid: w.pid, Size: len(q.items), Unfinished: q.unfinished})
			q.answer(w, qrep{Size: len(q.items)})
		}
		q.joiners = nil
	}
}

// answer sends a waiter its reply, once; it reports whether the reply got
// out. q.mu is held.
func (q *Queue) answer(w *waiter, rep qrep) bool {
	w.answered = true
	return w.c.Send(rep) == nil
}

// reply answers a call that did not wait. q.mu is held: replies leave in
// the order the queue did the operations.
func (q *Queue) reply(c *Conn, rep qrep) { _ = c.Send(rep) }

// drop takes an unanswered waiter out of its list. q.mu is held.
func (q *Queue) drop(w *waiter) {
	for _, list := range []*[]*waiter{&q.getters, &q.putters, &q.joiners} {
		if i := slices.Index(*list, w); i >= 0 {
			*list = slices.Delete(*list, i, i+1)
		}
	}
}

func (q *Queue) report(op QueueOp) {
	if q.onOp != nil {
		q.onOp(op)
	}
}

// QueueClient is one process's connection to a Queue. Its calls are made
// one at a time (a mutex lines them up); open one client per goroutine
// that should wait independently.
type QueueClient struct {
	mu sync.Mutex
	c  *Conn
}

// DialQueue connects to the queue at addr (Queue.Addr) as who: the name
// the queue reports its operations under (QueueOp.Who).
func DialQueue(ctx context.Context, addr, who string) (*QueueClient, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to the queue: %w", err)
	}
	qc := &QueueClient{c: NewConn(nc)}
	if _, err := qc.call(ctx, qreq{Op: "hello", Who: who, Pid: os.Getpid()}); err != nil {
		qc.Close()
		return nil, err
	}
	return qc, nil
}

// call sends one request and waits for its answer. If ctx ends first, it
// asks the server to cancel and still reads the answer, which may be the
// result after all (the item got there first: it is not lost).
func (qc *QueueClient) call(ctx context.Context, r qreq) (qrep, error) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	if err := qc.c.Send(r); err != nil {
		return qrep{}, qc.err(err)
	}
	var rep qrep
	err := qc.c.RecvCtx(ctx, &rep)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ErrBroken) && !errors.Is(err, ErrPeerDied) {
		// Given up before the answer began: cancel, then read the answer.
		if err := qc.c.Send(qreq{Op: "cancel"}); err != nil {
			return qrep{}, qc.err(err)
		}
		err = qc.c.Recv(&rep)
	}
	switch {
	case err != nil:
		return qrep{}, qc.err(err)
	case rep.Cancelled:
		return qrep{}, context.Cause(ctx)
	case rep.Err == ErrQueueClosed.Error():
		return qrep{}, ErrQueueClosed
	case rep.Err == ErrTaskDoneTooOften.Error():
		return qrep{}, ErrTaskDoneTooOften
	case rep.Err != "":
		return qrep{}, errors.New(rep.Err)
	}
	return rep, nil
}

func (qc *QueueClient) err(err error) error {
	if errors.Is(err, ErrEndOfStream) || errors.Is(err, ErrPeerGone) || errors.Is(err, ErrPeerDied) {
		return fmt.Errorf("%w (%v)", ErrQueueClosed, err)
	}
	return err
}

// Put adds v (encoded as JSON) at the back, waiting while the queue is
// full, and returns the size right after.
func (qc *QueueClient) Put(ctx context.Context, v any) (int, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	rep, err := qc.call(ctx, qreq{Op: "put", Data: data})
	return rep.Size, err
}

// Get takes the item at the front into v, waiting while the queue is
// empty, and returns the size right after.
func (qc *QueueClient) Get(ctx context.Context, v any) (int, error) {
	rep, err := qc.call(ctx, qreq{Op: "get"})
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(rep.Data, v); err != nil {
		return rep.Size, fmt.Errorf("decoding a queue item: %w", err)
	}
	return rep.Size, nil
}

// Size is the number of items in the queue (Python's qsize()).
func (qc *QueueClient) Size(ctx context.Context) (int, error) {
	rep, err := qc.call(ctx, qreq{Op: "size"})
	return rep.Size, err
}

// TaskDone marks one item got earlier as processed (JoinableQueue).
func (qc *QueueClient) TaskDone(ctx context.Context) error {
	_, err := qc.call(ctx, qreq{Op: "task_done"})
	return err
}

// Join waits until every item ever put has been marked done (JoinableQueue).
func (qc *QueueClient) Join(ctx context.Context) error {
	_, err := qc.call(ctx, qreq{Op: "join"})
	return err
}

// Close ends the connection. A call waiting in another goroutine returns
// an error.
func (qc *QueueClient) Close() error { return qc.c.Close() }
