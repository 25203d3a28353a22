// Package ipcmanager is scenario I3: a manager process owns a dict and a
// list; worker processes change them only by calls to it.
package ipcmanager

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const (
	roleManager = "ipc-manager/manager"
	roleWorker  = "ipc-manager/worker"
)

// beat is the story-seconds of each pause for reading (see run).
const beat = 4

// Options are the scenario's knobs.
type Options struct {
	Workers int // worker processes
}

// Metrics are what the scenario measured.
type Metrics struct {
	Workers       int         `json:"workers"`           // worker processes (--workers)
	ManagerPid    int         `json:"manager_pid"`       // the manager process's id
	WorkerPids    []int       `json:"worker_pids"`       // the workers' process ids, in worker order
	Dict          map[int]int `json:"dict"`              // the manager's dict at the end, as the parent fetched it
	List          []int       `json:"list"`              // the manager's list at the end, in the order the appends arrived
	AllPresent    bool        `json:"all_present"`       // dict[i] = 2i for every worker i, and every i appended exactly once
	Calls         int64       `json:"calls"`             // calls the manager answered, the parent's snapshot included
	AcksFromMgr   int         `json:"acks_from_manager"` // worker calls answered by the manager's pid (= 2 × workers)
	CallMeanUs    float64     `json:"call_mean_us"`      // mean round trip of a worker's call to the manager, microseconds
	SocketRemoved bool        `json:"socket_removed"`    // the manager's socket file was gone after the run
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "ipc manager", ID: "I3",
		Title:  "A manager process owns a dict and a list; workers change them only by calling it",
		Python: "multiprocessing.Manager() (manager.dict(), manager.list())",
		Go:     "a process serving net/rpc on a unix socket (proc.ListenManager, proc.DialManager)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Workers, "workers", "worker processes, each setting d[i] = i*2 and appending i (the cookbook's 10)", 10, 1, 32)
		},
		Explain:  lesson,
		Lesson:   []string{"demos/ipcmanager/ipcmanager.go", "internal/proc/manager.go"},
		Run:      run,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{roleManager: manager, roleWorker: worker},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "all present", Class: demos.Acceptable, Desc: "every worker's update reached the manager and is in its dict and list (the lesson)",
				When: func(o *Options, m Metrics) bool {
					return m.AllPresent && m.AcksFromMgr == 2*o.Workers && m.SocketRemoved
				}},
			{Name: "update missing", Class: demos.Forbidden, Desc: "an update is missing, went elsewhere, or the socket was left behind: a bug",
				When: func(o *Options, m Metrics) bool { return true }},
		},
	}.Demo()
}

// manager serves the dict and the list until the parent closes its
// standard input (its context then ends), removing the socket on the way out.
func manager(ctx context.Context, self *proc.Self) error {
	var path string
	if err := self.Args(&path); err != nil {
		return err
	}
	srv, err := proc.ListenManager(path)
	if err != nil {
		return err
	}
	self.Logf(ev.Start, "serves a dict and a list on %s", filepath.Base(path))
	if err := self.StartLine(ctx); err != nil { // the parent now knows it listens
		srv.Close()
		return err
	}
	return srv.Serve(ctx)
}

// workerArgs is what the parent tells each worker.
type workerArgs struct {
	Path string `json:"path"`
	I    int    `json:"i"`
}

// workerReport is a worker's account: who answered its calls, how fast.
type workerReport struct {
	Acks   []proc.ManagerAck `json:"acks"`
	CallUs []float64         `json:"call_us"`
}

// worker sets d[i] = i*2 and appends i, each a call to the manager.
func worker(ctx context.Context, self *proc.Self) error {
	var a workerArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	m, err := proc.DialManager(ctx, a.Path)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	var r workerReport
	t0 := time.Now()
	ack, err := m.Set(ctx, a.I, a.I*2)
	if err != nil {
		return err
	}
	r.CallUs = append(r.CallUs, float64(time.Since(t0))/1e3)
	r.Acks = append(r.Acks, ack)
	t0 = time.Now()
	ack2, err := m.Append(ctx, a.I)
	if err != nil {
		return err
	}
	r.CallUs = append(r.CallUs, float64(time.Since(t0))/1e3)
	r.Acks = append(r.Acks, ack2)
	self.Logf(ev.Send, "d[%d] = %d and l.append(%d): answered by pid %d as calls #%d and #%d", a.I, a.I*2, a.I, ack.Pid, ack.Call, ack2.Call)
	return self.Result(r)
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	dir, err := os.MkdirTemp("", "pardemo-mgr-")
	if err != nil {
		return ev.Result{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "manager.sock")

	env.Phase("the manager: a process of its own that holds the dict and the list")
	mgr, err := env.Spawn(ctx, roleManager, "manager", path)
	if err != nil {
		return ev.Result{}, err
	}
	defer func() { mgr.Kill(); <-mgr.Done() }()
	select {
	case <-mgr.Ready():
	case <-mgr.Done():
		return ev.Result{}, fmt.Errorf("the manager exited before serving: %w", mgr.Err())
	case <-ctx.Done():
		return ev.Result{}, demos.Stopped(ctx)
	}
	if err := mgr.Release(); err != nil {
		return ev.Result{}, err
	}
	// The parent's own connection, for the snapshot at the end.
	client, err := proc.DialManager(ctx, path)
	if err != nil {
		return ev.Result{}, err
	}
	defer client.Close()
	// Pacing (issue 13): the calls take milliseconds; beats between the
	// parts let a class read each one.
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}

	env.Phase(fmt.Sprintf("%d worker processes, each: d[i] = i*2, then l.append(i) — calls to the manager", o.Workers))
	members := make([]proc.Member, o.Workers)
	for i := range members {
		members[i] = proc.Member{Name: "worker-" + strconv.Itoa(i), Args: workerArgs{Path: path, I: i}}
	}
	g, err := env.Group(ctx, roleWorker, members)
	if err != nil {
		return ev.Result{}, err
	}
	if err := g.Ready(ctx); err != nil {
		return ev.Result{}, err
	}
	// Every worker connected before its start line: the socket's name can
	// go (the manager keeps serving the connections it has), and nothing is
	// left on disk however the run ends from here on.
	if err := os.RemoveAll(dir); err != nil {
		return ev.Result{}, err
	}
	env.Logf("main", ev.Note, "the %d workers are connected and wait at a start line; released, they call at once", o.Workers)
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	if err := g.Release(); err != nil {
		return ev.Result{}, err
	}
	if err := g.Wait(ctx); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{Workers: o.Workers, ManagerPid: mgr.Pid, WorkerPids: g.Pids()}
	var sum float64
	var calls int
	for _, c := range g.Children() {
		var r workerReport
		if err := c.Result(&r); err != nil {
			return ev.Result{}, err
		}
		for _, a := range r.Acks {
			if a.Pid == mgr.Pid {
				m.AcksFromMgr++
			}
		}
		for _, us := range r.CallUs {
			sum += us
			calls++
		}
	}
	if calls > 0 {
		m.CallMeanUs = sum / float64(calls)
	}

	// The parent asks the manager for its data: one more call.
	st, err := client.Snapshot(ctx)
	client.Close()
	if err != nil {
		return ev.Result{}, err
	}
	m.Dict, m.List, m.Calls = st.Dict, st.List, st.Calls
	env.Logf("main", ev.Recv, "d = %s", formatDict(st.Dict))
	env.Logf("main", ev.Recv, "l = %v (in the order the appends reached the manager)", st.List)
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	m.AllPresent = allPresent(st, o.Workers)

	// The manager ends when its input closes, and removes its socket.
	mgr.CloseInput()
	if err := mgr.WaitCtx(ctx); err != nil {
		return ev.Result{}, err
	}
	_, serr := os.Stat(path)
	m.SocketRemoved = errors.Is(serr, os.ErrNotExist)
	res := conclude(m)
	res.Timing = []ev.Timing{{Label: "a worker's call to the manager (mean round trip)", D: time.Duration(m.CallMeanUs * 1e3)}}
	return res, nil
}

// allPresent: d[i] = 2i for every worker and nothing else, and the list is
// 0 … n-1 in some order, each once.
func allPresent(st proc.ManagerState, n int) bool {
	if len(st.Dict) != n || len(st.List) != n {
		return false
	}
	for i := range n {
		if v, ok := st.Dict[i]; !ok || v != 2*i {
			return false
		}
	}
	l := slices.Sorted(slices.Values(st.List))
	for i, v := range l {
		if v != i {
			return false
		}
	}
	return true
}

func formatDict(d map[int]int) string {
	var parts []string
	for _, k := range proc.SortedKeys(d) {
		parts = append(parts, fmt.Sprintf("%d: %d", k, d[k]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	switch {
	case !m.AllPresent:
		res.Verdict = fmt.Sprintf("the manager holds %d dict entries and %d list items of %d workers' updates: updates missing — a bug in this demo", len(m.Dict), len(m.List), m.Workers)
	case m.AcksFromMgr != 2*m.Workers:
		res.Verdict = fmt.Sprintf("only %d of %d calls were answered by the manager's pid — a bug in this demo", m.AcksFromMgr, 2*m.Workers)
	case !m.SocketRemoved:
		res.Verdict = "the manager's socket was left behind — a bug in this demo"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("all %d workers' updates are in the manager's dict and list; all %d of their calls were answered by the manager (pid %d), %d round trips in all with the parent's",
			m.Workers, m.AcksFromMgr, m.ManagerPid, m.Calls)
	}
	return res
}
