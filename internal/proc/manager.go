package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/rpc"
	"os"
	"sort"
	"sync"
)

// Manager is the object a manager process serves: Python's
// multiprocessing.Manager() with one dict and one list. Other processes
// reach it only through calls over a unix socket (net/rpc): they hold no
// copy of the data, so every d[k] = v or append is a round trip to the
// manager's process, which applies the calls one at a time.
//
//	// in the manager process:
//	srv, err := proc.ListenManager(path) // then tell the others: path
//	err = srv.Serve(ctx)                 // until ctx ends; removes the socket
//	// in any other process:
//	m, err := proc.DialManager(ctx, path)
//	ack, err := m.Set(3, 6)              // d[3] = 6, answered by the manager
type Manager struct {
	mu    sync.Mutex
	dict  map[int]int
	list  []int
	calls int64
	pid   int
}

// ManagerAck is the manager's answer to a change: which process applied
// it and which call it was, which shows the change went through it.
type ManagerAck struct {
	Pid  int   // the manager's process id
	Call int64 // this call's number among all the manager answered
}

// ManagerState is a copy of the manager's data (Manager.Snapshot).
type ManagerState struct {
	Dict  map[int]int
	List  []int
	Calls int64 // calls answered, this one included
	Pid   int
}

// SetArgs is d[Key] = Value.
type SetArgs struct{ Key, Value int }

// Set is d[Key] = Value.
func (m *Manager) Set(a SetArgs, ack *ManagerAck) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dict[a.Key] = a.Value
	m.calls++
	*ack = ManagerAck{Pid: m.pid, Call: m.calls}
	return nil
}

// Append is list.append(v).
func (m *Manager) Append(v int, ack *ManagerAck) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = append(m.list, v)
	m.calls++
	*ack = ManagerAck{Pid: m.pid, Call: m.calls}
	return nil
}

// Snapshot copies out the dict and the list.
func (m *Manager) Snapshot(_ int, st *ManagerState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	d := make(map[int]int, len(m.dict))
	for k, v := range m.dict {
		d[k] = v
	}
	*st = ManagerState{Dict: d, List: append([]int(nil), m.list...), Calls: m.calls, Pid: m.pid}
	return nil
}

// ManagerServer serves a Manager on a unix socket.
type ManagerServer struct {
	path string
	ln   net.Listener
	rpc  *rpc.Server
}

// ListenManager starts listening at path (a socket file that must not
// exist yet; put it in a private temporary directory). Nothing is served
// until Serve.
func ListenManager(path string) (*ManagerServer, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	srv := rpc.NewServer()
	if err := srv.RegisterName("Manager", &Manager{dict: map[int]int{}, pid: os.Getpid()}); err != nil {
		ln.Close()
		return nil, err
	}
	return &ManagerServer{path: path, ln: ln, rpc: srv}, nil
}

// Serve answers calls until ctx ends, then closes every connection and
// removes the socket file.
func (s *ManagerServer) Serve(ctx context.Context) error {
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	stop := context.AfterFunc(ctx, func() {
		s.ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	defer stop()
	defer os.Remove(s.path)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			mu.Lock()
			for c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("manager: %w", err)
		}
		mu.Lock()
		conns[c] = true
		mu.Unlock()
		wg.Go(func() {
			s.rpc.ServeConn(c)
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		})
	}
}

// Close stops listening and removes the socket (for a server never
// served).
func (s *ManagerServer) Close() error {
	err := s.ln.Close()
	os.Remove(s.path)
	return err
}

// ErrManagerGone is a call to a manager whose process has exited or
// closed the connection.
var ErrManagerGone = errors.New("the manager process is gone")

// ManagerClient is a connection to a manager: a proxy, in Python's words.
type ManagerClient struct {
	c *rpc.Client
}

// DialManager connects to the manager serving at path.
func DialManager(ctx context.Context, path string) (*ManagerClient, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("connecting to the manager: %w", err)
	}
	return &ManagerClient{c: rpc.NewClient(nc)}, nil
}

func (m *ManagerClient) call(ctx context.Context, method string, args, reply any) error {
	call := m.c.Go("Manager."+method, args, reply, make(chan *rpc.Call, 1))
	select {
	case <-call.Done:
	case <-ctx.Done():
		m.c.Close() // the answer can no longer be told from the next one's
		return context.Cause(ctx)
	}
	if call.Error == nil {
		return nil
	}
	if errors.Is(call.Error, rpc.ErrShutdown) || errors.Is(call.Error, io.ErrUnexpectedEOF) || errors.Is(call.Error, net.ErrClosed) {
		return fmt.Errorf("%w (%v)", ErrManagerGone, call.Error)
	}
	return call.Error
}

// Set is d[k] = v, done by the manager.
func (m *ManagerClient) Set(ctx context.Context, k, v int) (ManagerAck, error) {
	var ack ManagerAck
	err := m.call(ctx, "Set", SetArgs{Key: k, Value: v}, &ack)
	return ack, err
}

// Append is list.append(v), done by the manager.
func (m *ManagerClient) Append(ctx context.Context, v int) (ManagerAck, error) {
	var ack ManagerAck
	err := m.call(ctx, "Append", v, &ack)
	return ack, err
}

// Snapshot copies the manager's data into this process.
func (m *ManagerClient) Snapshot(ctx context.Context) (ManagerState, error) {
	var st ManagerState
	err := m.call(ctx, "Snapshot", 0, &st)
	return st, err
}

// Close ends the connection.
func (m *ManagerClient) Close() error { return m.c.Close() }

// SortedKeys lists a dict's keys in order, for printing.
func SortedKeys(d map[int]int) []int {
	keys := make([]int, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
