// Package ipcqueue is scenario I1: a queue between processes — a producer
// and a consumer process, three children putting records for the parent,
// and the JoinableQueue whose join waits until every item was processed.
package ipcqueue

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const (
	roleProducer = "ipc-queue/producer"
	roleConsumer = "ipc-queue/consumer"
	rolePutter   = "ipc-queue/putter"
	roleJoiner   = "ipc-queue/joiner"
	roleWorker   = "ipc-queue/worker"
)

// The cookbook's pacing, in story seconds: the producer puts one item a
// second; the consumer waits 2, gets, and rests 1. A JoinableQueue
// worker spends half a second on each item.
const (
	putEvery    = 1.0
	consumeWait = 2.0
	consumeRest = 1.0
	workTime    = 0.5
	records     = 3 // part B: the cookbook's three children
)

// Options are the scenario's knobs.
type Options struct {
	Items     int // items the producer puts (parts A and C)
	Consumers int // JoinableQueue worker processes (part C)
}

// Metrics are what the scenario measured.
type Metrics struct {
	Items         int     `json:"items"`           // items the producer put in parts A and C (--items)
	Consumers     int     `json:"consumers"`       // JoinableQueue worker processes in part C (--consumers)
	Produced      []int   `json:"produced"`        // part A: the items the producer put, in order (random 0–256, from --seed)
	Consumed      []int   `json:"consumed"`        // part A: the items the consumer got, in order
	InOrder       bool    `json:"in_order"`        // part A: consumed = produced: every item arrived once, first in first out
	MaxSize       int     `json:"max_size"`        // part A: the most items the queue held at once
	Sizes         []int   `json:"sizes"`           // part A: the queue's size right after each put
	Records       [][]any `json:"records"`         // part B: what the parent got, each [42, n, "hello"]
	RecordsOK     bool    `json:"records_ok"`      // part B: three records, n = 0, 1, 2 each once
	TasksDone     int     `json:"tasks_done"`      // part C: task_done calls the workers made (= items)
	JoinAfterDone bool    `json:"join_after_done"` // part C: join returned after the last task_done, with 0 unfinished
	JoinWaitMs    float64 `json:"join_wait_ms"`    // part C: how long the producer's join() waited
	Pids          []int   `json:"pids"`            // every child process started, in the order started
	Removed       bool    `json:"sockets_removed"` // every queue's socket and directory were gone after the run
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "ipc queue", ID: "I1",
		Title:  "A queue between processes: producer to consumer, children to parent, and join() after task_done()",
		Python: "multiprocessing.Queue / JoinableQueue (put, get, qsize, task_done, join)",
		Go:     "a queue served on a unix socket, one connection per process (proc.Queue, proc.DialQueue)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Items, "items", "items the producer puts, one per story-second (the cookbook's 10)", 10, 1, 100)
			k.Int(&o.Consumers, "consumers", "JoinableQueue worker processes in part C", 2, 1, 16)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/ipcqueue/ipcqueue.go", "internal/proc/queue.go"},
		Run:      run,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{roleProducer: producer, roleConsumer: consumer, rolePutter: putter, roleJoiner: joiner, roleWorker: worker},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "all delivered", Class: demos.Acceptable, Desc: "items in order, three records, join after the last task_done (the lesson)",
				When: func(o *Options, m Metrics) bool { return m.InOrder && m.RecordsOK && m.JoinAfterDone && m.Removed }},
			{Name: "lost or early join", Class: demos.Forbidden, Desc: "an item lost or reordered, a record missing, join returning early, or a socket left: a bug",
				When: func(o *Options, m Metrics) bool { return true }},
		},
	}.Demo()
}

// args every child gets: the queue's address and its part's numbers.
type args struct {
	Addr  string `json:"addr"`
	Items []int  `json:"items,omitempty"`
	N     int    `json:"n"`
}

// join is how every child starts: read its arguments, connect to the
// queue, and wait at the start line. The caller closes the connection.
func join(ctx context.Context, self *proc.Self) (args, *proc.QueueClient, error) {
	var a args
	if err := self.Args(&a); err != nil {
		return a, nil, err
	}
	q, err := proc.DialQueue(ctx, a.Addr, fmt.Sprintf("%s [pid %d]", self.Name, self.Pid))
	if err != nil {
		return a, nil, err
	}
	if err := self.StartLine(ctx); err != nil {
		q.Close()
		return a, nil, err
	}
	return a, q, nil
}

// producer puts its items, one per story-second (part A).
func producer(ctx context.Context, self *proc.Self) error {
	a, q, err := join(ctx, self)
	if err != nil {
		return err
	}
	defer q.Close()
	for _, it := range a.Items {
		if _, err := q.Put(ctx, it); err != nil {
			return err
		}
		if err := self.Sleep(ctx, putEvery); err != nil {
			return err
		}
	}
	return nil
}

// consumer gets N items, resting between them as the cookbook's does
// (part A). It knows how many to expect instead of stopping when the
// queue looks empty: see the lesson for why.
func consumer(ctx context.Context, self *proc.Self) error {
	a, q, err := join(ctx, self)
	if err != nil {
		return err
	}
	defer q.Close()
	var got []int
	for range a.N {
		if err := self.Sleep(ctx, consumeWait); err != nil {
			return err
		}
		var it int
		if _, err := q.Get(ctx, &it); err != nil {
			return err
		}
		got = append(got, it)
		if err := self.Sleep(ctx, consumeRest); err != nil {
			return err
		}
	}
	return self.Result(got)
}

// putter puts one record [42, n, "hello"] (part B).
func putter(ctx context.Context, self *proc.Self) error {
	a, q, err := join(ctx, self)
	if err != nil {
		return err
	}
	defer q.Close()
	_, err = q.Put(ctx, []any{42, a.N, "hello"})
	return err
}

// joiner puts the items, then joins: it returns only when every item was
// marked done (part C).
func joiner(ctx context.Context, self *proc.Self) error {
	a, q, err := join(ctx, self)
	if err != nil {
		return err
	}
	defer q.Close()
	for _, it := range a.Items {
		if _, err := q.Put(ctx, it); err != nil {
			return err
		}
	}
	self.Logf(ev.Wait, "put %d items; join() waits until every one is marked done", len(a.Items))
	t0 := time.Now()
	if err := q.Join(ctx); err != nil {
		return err
	}
	wait := time.Since(t0)
	self.Logf(ev.Done, "join() returned after %s", ev.Dur(wait))
	return self.Result(ev.Ms(wait))
}

// worker gets items, works on each, and marks it done, until the queue
// closes (part C): the parent closes it once the producer's join returned.
func worker(ctx context.Context, self *proc.Self) error {
	_, q, err := join(ctx, self)
	if err != nil {
		return err
	}
	defer q.Close()
	for {
		var it int
		if _, err := q.Get(ctx, &it); errors.Is(err, proc.ErrQueueClosed) {
			return nil
		} else if err != nil {
			return err
		}
		if err := self.Sleep(ctx, workTime); err != nil {
			return err
		}
		if err := q.TaskDone(ctx); err != nil {
			return err
		}
	}
}

// part is one queue and the children around it.
type part struct {
	env  *demos.Env
	q    *proc.Queue
	dirs *[]string
	pids *[]int
}

func newPart(env *demos.Env, dirs *[]string, pids *[]int, onOp func(proc.QueueOp)) (*part, error) {
	q, err := proc.NewQueue(0, onOp)
	if err != nil {
		return nil, err
	}
	*dirs = append(*dirs, filepath.Dir(q.Addr()))
	return &part{env: env, q: q, dirs: dirs, pids: pids}, nil
}

// group starts members, lets them go together and waits for them.
func (p *part) group(ctx context.Context, role string, members []proc.Member) (*proc.Group, error) {
	g, err := p.env.Group(ctx, role, members)
	if err != nil {
		return nil, err
	}
	*p.pids = append(*p.pids, g.Pids()...)
	if err := g.Ready(ctx); err != nil {
		return nil, err
	}
	// Every child connected before its start line: the socket's name can
	// go, and no file outlives the run, however it ends.
	if err := p.q.Unlink(); err != nil {
		return nil, err
	}
	if err := g.Release(); err != nil {
		return nil, err
	}
	return g, nil
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{Items: o.Items, Consumers: o.Consumers}
	var dirs []string
	var queues []*proc.Queue
	defer func() {
		for _, q := range queues {
			q.Close()
		}
	}()
	rng := env.NewRand(0)

	// One put and one get per item in part A, one task_done per item in
	// part C: routine lines, left out when there are too many to read.
	env.Flood(3*o.Items, "each put, get and task_done")

	// Part A.
	env.Phase(fmt.Sprintf("A: a producer process puts %d random items, one per story-second; a consumer process gets them", o.Items))
	var mu sync.Mutex // guards sizes (appended under the queue's lock, by its server)
	var sizes []int
	a, err := newPart(env, &dirs, &m.Pids, func(op proc.QueueOp) {
		switch op.Op {
		case "put":
			mu.Lock()
			sizes = append(sizes, op.Size)
			mu.Unlock()
			env.Detail("queue", ev.Send, fmt.Sprintf("%s put %s — size %d", op.Who, op.Data, op.Size), "pid", op.Pid)
		case "get":
			env.Detail("queue", ev.Recv, fmt.Sprintf("%s got %s — size %d", op.Who, op.Data, op.Size), "pid", op.Pid)
		}
	})
	if err != nil {
		return ev.Result{}, err
	}
	queues = append(queues, a.q)
	m.Produced = make([]int, o.Items)
	for i := range m.Produced {
		m.Produced[i] = rng.IntN(257) // randint(0, 256) includes 256
	}
	ga, err := a.group(ctx, roleProducer, []proc.Member{
		{Name: "producer", Args: args{Addr: a.q.Addr(), Items: m.Produced}},
		{Name: "consumer", Role: roleConsumer, Args: args{Addr: a.q.Addr(), N: o.Items}},
	})
	if err != nil {
		return ev.Result{}, err
	}
	if err := ga.Wait(ctx); err != nil {
		return ev.Result{}, err
	}
	if err := ga.Children()[1].Result(&m.Consumed); err != nil {
		return ev.Result{}, err
	}
	m.InOrder = slices.Equal(m.Produced, m.Consumed)
	mu.Lock()
	m.Sizes = slices.Clone(sizes)
	mu.Unlock()
	if len(m.Sizes) > 0 {
		m.MaxSize = slices.Max(m.Sizes)
	}

	// Part B.
	env.Phase(fmt.Sprintf("B: %d children each put [42, n, \"hello\"]; the parent gets them", records))
	b, err := newPart(env, &dirs, &m.Pids, func(op proc.QueueOp) {
		if op.Op == "put" {
			env.Log("queue", ev.Send, fmt.Sprintf("%s put %s — size %d", op.Who, op.Data, op.Size), "pid", op.Pid)
		}
	})
	if err != nil {
		return ev.Result{}, err
	}
	queues = append(queues, b.q)
	members := make([]proc.Member, records)
	for i := range members {
		members[i] = proc.Member{Name: "child-" + strconv.Itoa(i), Args: args{Addr: b.q.Addr(), N: i}}
	}
	parent, err := proc.DialQueue(ctx, b.q.Addr(), "parent")
	if err != nil {
		return ev.Result{}, err
	}
	gb, err := b.group(ctx, rolePutter, members)
	if err != nil {
		parent.Close()
		return ev.Result{}, err
	}
	for range records {
		var rec []any
		size, err := parent.Get(ctx, &rec)
		if err != nil {
			parent.Close()
			return ev.Result{}, err
		}
		m.Records = append(m.Records, rec)
		env.Logf("main", ev.Recv, "got %v — size %d", rec, size)
	}
	parent.Close()
	if err := gb.Wait(ctx); err != nil {
		return ev.Result{}, err
	}
	m.RecordsOK = recordsOK(m.Records)

	// Part C.
	env.Phase(fmt.Sprintf("C: a JoinableQueue: a producer puts %d items and joins; %d workers get, work, task_done", o.Items, o.Consumers))
	var ops []proc.QueueOp // under the queue's lock
	c, err := newPart(env, &dirs, &m.Pids, func(op proc.QueueOp) {
		ops = append(ops, op)
		switch op.Op {
		case "task_done":
			env.Detail("queue", ev.Step, fmt.Sprintf("%s task_done() — %d unfinished", op.Who, op.Unfinished), "pid", op.Pid)
		case "joined":
			env.Log("queue", ev.Wake, fmt.Sprintf("%s: join() may return — %d unfinished", op.Who, op.Unfinished), "pid", op.Pid)
		}
	})
	if err != nil {
		return ev.Result{}, err
	}
	queues = append(queues, c.q)
	items := make([]int, o.Items)
	for i := range items {
		items[i] = rng.IntN(257)
	}
	members = []proc.Member{{Name: "producer", Role: roleJoiner, Args: args{Addr: c.q.Addr(), Items: items}}}
	for i := range o.Consumers {
		members = append(members, proc.Member{Name: "worker-" + strconv.Itoa(i+1), Args: args{Addr: c.q.Addr()}})
	}
	gc, err := c.group(ctx, roleWorker, members)
	if err != nil {
		return ev.Result{}, err
	}
	prod := gc.Children()[0]
	if err := prod.WaitCtx(ctx); err != nil {
		return ev.Result{}, err
	}
	if err := prod.Result(&m.JoinWaitMs); err != nil {
		return ev.Result{}, err
	}
	// The producer's join returned: the workers wait for more that will not
	// come. Closing the queue ends their get with ErrQueueClosed.
	c.q.Close()
	if err := gc.Wait(ctx); err != nil {
		return ev.Result{}, err
	}
	m.TasksDone, m.JoinAfterDone = joinedAfterDone(ops, o.Items)

	for _, q := range queues {
		q.Close()
	}
	m.Removed = true
	for _, d := range dirs {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			m.Removed = false
		}
	}
	res := conclude(m)
	res.Timing = []ev.Timing{{Label: "the producer's join() waited", D: time.Duration(m.JoinWaitMs * float64(time.Millisecond))}}
	return res, nil
}

// recordsOK: three records [42, n, "hello"], n = 0, 1, 2 each once.
func recordsOK(rs [][]any) bool {
	if len(rs) != records {
		return false
	}
	seen := map[float64]bool{}
	for _, r := range rs {
		if len(r) != 3 || r[0] != float64(42) || r[2] != "hello" {
			return false
		}
		n, ok := r[1].(float64)
		if !ok || n < 0 || n >= records || seen[n] {
			return false
		}
		seen[n] = true
	}
	return true
}

// joinedAfterDone counts the task_done calls and says whether the join
// came after the last of them, with none unfinished.
func joinedAfterDone(ops []proc.QueueOp, items int) (int, bool) {
	done, lastDone, joined := 0, -1, -1
	for i, op := range ops {
		switch op.Op {
		case "task_done":
			done++
			lastDone = i
		case "joined":
			if joined < 0 {
				joined = i
			}
			if op.Unfinished != 0 {
				return done, false
			}
		}
	}
	return done, done == items && joined > lastDone
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	switch {
	case !m.InOrder:
		res.Verdict = fmt.Sprintf("the producer put %v but the consumer got %v — a bug in this demo", m.Produced, m.Consumed)
	case !m.RecordsOK:
		res.Verdict = fmt.Sprintf("the parent got %v, not three records [42, n, \"hello\"] — a bug in this demo", m.Records)
	case !m.JoinAfterDone:
		res.Verdict = fmt.Sprintf("join() returned with %d of %d items marked done — it returned early: a bug in this demo", m.TasksDone, m.Items)
	case !m.Removed:
		res.Verdict = "a queue's socket was left behind — a bug in this demo"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d items went from the producer's process to the consumer's in order (the queue held up to %d), the parent got all %d children's records, and join() returned only after the %dth task_done",
			m.Items, m.MaxSize, records, m.TasksDone)
	}
	return res
}
