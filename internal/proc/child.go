package proc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Role is the body of a child process. It returns when its work is done;
// an error becomes the child's exit status 1 and is reported to the parent.
type Role func(ctx context.Context, self *Self) error

// Roles maps role names to bodies. Names are global to the binary, so a
// scenario prefixes its own ("tickets/buyer").
type Roles map[string]Role

// IsChild reports whether this process was started as a child. A test
// binary checks it in TestMain before running any test, or a child would
// run the whole test suite again.
func IsChild() bool { return os.Getenv(EnvRole) != "" }

// Serve plays the role named by EnvRole, speaking the protocol on stdin and
// stdout, and returns the process's exit code.
func Serve(roles Roles) int {
	role := os.Getenv(EnvRole)
	if role == PrintRole {
		return servePrint(os.Args, os.Stdout)
	}
	var out io.Writer = os.Stdout
	if fd, err := strconv.Atoi(os.Getenv(envControl)); err == nil && fd > 2 {
		// Standard output is raw (Spec.OnOutput, Spec.Stdout); the protocol
		// has a pipe of its own. It must not leak into a program this
		// process may become (Exec) or start.
		closeOnExec(fd)
		out = os.NewFile(uintptr(fd), "control")
	}
	return serve(role, roles, os.Stdin, out, os.Stderr)
}

func serve(role string, roles Roles, in io.Reader, out io.Writer, errOut io.Writer) int {
	body, ok := roles[role]
	if !ok {
		fmt.Fprintf(errOut, "pardemo child: unknown role %q\n", role)
		return 2
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	var h hello
	if err := dec.Decode(&h); err != nil {
		fmt.Fprintf(errOut, "pardemo child %s: no hello from the parent: %v\n", role, err)
		return 2
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	self := &Self{Name: h.Name, Pid: os.Getpid(), ParentPid: os.Getppid(), Speed: h.Speed, Seed: h.Seed,
		args: h.Args, epoch: time.Unix(0, h.Epoch), enc: json.NewEncoder(out), tasks: make(chan task),
		released: make(chan struct{})}
	// The rest of stdin is tasks. When it closes, the parent is gone or has
	// nothing more to say: either way the child's work is over.
	go func() {
		defer close(self.tasks)
		for {
			var t task
			if err := dec.Decode(&t); err != nil {
				cancel(errParentGone)
				return
			}
			if t.Release {
				self.release.Do(func() { close(self.released) })
				continue
			}
			select {
			case self.tasks <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	err := body(ctx, self)
	self.Shutdown() // a Python process's exit: daemons ended, the rest joined
	if err != nil {
		self.write(line{Type: lineError, Err: err.Error()})
		fmt.Fprintf(errOut, "pardemo child %s (%s): %v\n", role, h.Name, err)
		return 1
	}
	return 0
}

// errParentGone ends a child whose standard input closed.
var errParentGone = errors.New("standard input closed: the parent is gone")

// Self is what a role may use: its name and pid, its arguments, the story
// clock, and the way back to the parent.
type Self struct {
	Name string
	Pid  int
	// ParentPid is the parent's process id as the operating system told
	// this child when it started (os.Getppid, Python's os.getppid()).
	ParentPid int
	Speed     float64
	Seed      int64

	args  json.RawMessage
	epoch time.Time
	mu    sync.Mutex // one line at a time on stdout
	enc   *json.Encoder
	tasks chan task
	beat  atomic.Int64 // when the last beat line went out (Unix ns)

	kidsMu sync.Mutex
	kids   []kid // children this child started (Spawn), in order

	ready    sync.Once     // the "ready" line goes out once
	release  sync.Once     // released is closed once
	released chan struct{} // closed when the parent releases the start line
}

// Args decodes the arguments the parent gave.
func (s *Self) Args(v any) error {
	if len(s.args) == 0 {
		return nil
	}
	return json.Unmarshal(s.args, v)
}

// File returns the i-th extra file the parent handed over
// (Spec.ExtraFiles[i], file descriptor 3+i), or nil if there is none.
// Each call returns a new *os.File for the same descriptor: call it once
// per file and keep the result.
func (s *Self) File(i int) *os.File {
	n, _ := strconv.Atoi(os.Getenv(envFiles))
	if i < 0 || i >= n {
		return nil
	}
	return os.NewFile(uintptr(3+i), fmt.Sprintf("extra-%d", i))
}

// Raw is the child's raw standard output, for a child started with
// Spec.OnOutput or Spec.Stdout: bytes written here are not the protocol
// (that has moved to its own pipe) and never reach the terminal directly;
// the parent reads them and shows each line as an event of this child.
// Writing here in a child speaking the protocol on stdout would corrupt it.
func (s *Self) Raw() *os.File { return os.Stdout }

// Now is the time on the parent's scenario clock.
func (s *Self) Now() time.Duration { return time.Since(s.epoch) }

// Story converts story seconds to real time at the parent's --speed.
func (s *Self) Story(seconds float64) time.Duration {
	return time.Duration(seconds / s.Speed * float64(time.Second))
}

// Sleep waits story seconds, or until ctx ends. It first tells the parent
// how long it will sleep (Spec.OnSleep), so the parent's watchdog counts a
// sleeping child as alive: it will wake by itself.
func (s *Self) Sleep(ctx context.Context, seconds float64) error {
	d := s.Story(seconds)
	if d > 0 {
		s.write(line{Type: lineSleep, Sleep: d})
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// StartLine is the child's side of a Group's start line: it tells the
// parent this child is up and ready, then blocks until the parent releases
// the whole group at once (Group.Release), and returns nil. It returns the
// context's cause if ctx ends first (the parent is gone, or was stopped).
// Call it once, before anything the group should start together; a child
// that was not started in a Group is released with Child.Release. A
// parent releases a child before handing it any task (Child.Call): a task
// sent to a child still at its start line would block the way for the
// release behind it.
func (s *Self) StartLine(ctx context.Context) error {
	s.ready.Do(func() { s.write(line{Type: lineReady}) })
	select {
	case <-s.released:
		return nil
	default:
	}
	select {
	case <-s.released:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Log sends an event to the parent; kv are attribute pairs.
func (s *Self) Log(kind ev.Kind, msg string, kv ...any) {
	s.Emit(ev.Event{Kind: kind, Msg: msg, Attrs: attrs(kv)})
}

// Logf is Log with a formatted message.
func (s *Self) Logf(kind ev.Kind, format string, args ...any) {
	s.Emit(ev.Event{Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// Emit sends a full event to the parent, stamped now on the parent's clock.
func (s *Self) Emit(e ev.Event) {
	s.write(line{Type: lineEvent, T: s.Now(), Actor: e.Actor, Kind: e.Kind, Msg: e.Msg, Attrs: e.Attrs, Tone: e.Tone})
}

// kid is a child this child started.
type kid struct {
	c      *Child
	daemon bool
}

// Spawn starts a child of this child (a grandchild of the scenario),
// playing role. Its events, beats and sleeps are passed on to this
// child's parent, its events with the actor "name [pid N]" and the
// attributes pid and ppid. When this child's role returns, Shutdown ends
// it as Python ends a process's children at exit: a daemon is terminated,
// any other is waited for. Whatever happens to this child, the grandchild
// does not outlive it: it is killed with this child's context, it gets
// SIGKILL from Linux when this child dies (the death signal), and its
// standard input closes.
func (s *Self) Spawn(ctx context.Context, role, name string, args any, daemon bool) (*Child, error) {
	c, err := Start(ctx, Spec{Role: role, Name: name, Args: args, Speed: s.Speed, Seed: s.Seed, Epoch: s.epoch,
		OnEvent: func(c *Child, e ev.Event) {
			if e.Actor == "" {
				e.Actor = fmt.Sprintf("%s [pid %d]", c.Name, c.Pid)
			}
			if e.Attrs == nil {
				e.Attrs = map[string]any{}
			}
			if _, ok := e.Attrs["pid"]; !ok {
				e.Attrs["pid"], e.Attrs["ppid"] = c.Pid, s.Pid
			}
			s.write(line{Type: lineEvent, T: e.T, Actor: e.Actor, Kind: e.Kind, Msg: e.Msg, Attrs: e.Attrs, Tone: e.Tone})
		},
		OnBeat:  func(*Child) { s.Beat() },
		OnSleep: func(_ *Child, d time.Duration) { s.write(line{Type: lineSleep, Sleep: d}) },
	})
	if err != nil {
		return nil, err
	}
	s.kidsMu.Lock()
	s.kids = append(s.kids, kid{c: c, daemon: daemon})
	s.kidsMu.Unlock()
	return c, nil
}

// Shutdown is what Python does for a process's children when its main
// code ends: every daemon child still running is terminated (SIGTERM,
// and SIGKILL if it has not died two seconds later), then every other
// child is waited for. It returns once all are reaped, and may be called
// more than once; Serve calls it when the role returns, so a role calls
// it itself only to report how its children ended.
func (s *Self) Shutdown() {
	s.kidsMu.Lock()
	kids := s.kids
	s.kidsMu.Unlock()
	for _, k := range kids {
		if k.daemon && k.c.Alive() {
			k.c.Terminate()
		}
	}
	for _, k := range kids {
		if k.daemon && !k.c.WaitTimeout(2*time.Second) {
			k.c.Kill()
		}
	}
	for _, k := range kids {
		<-k.c.Done()
	}
}

// beatEvery spaces out a child's beat lines.
const beatEvery = 100 * time.Millisecond

// Beat tells the parent's watchdog that the child is busy, not stuck: a
// child deep in a computation has nothing to report and cannot reach the
// watchdog otherwise. Call it as often as you like from a hot loop's
// outer level; at most one line per beatEvery reaches the pipe.
func (s *Self) Beat() {
	now := time.Now().UnixNano()
	last := s.beat.Load()
	if now-last < int64(beatEvery) || !s.beat.CompareAndSwap(last, now) {
		return
	}
	s.write(line{Type: lineBeat})
}

// Result sends the child's final result (any JSON-encodable value).
func (s *Self) Result(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.write(line{Type: lineResult, Data: data})
}

// Work answers tasks until the parent closes stdin: the body of a pool
// worker. handle gets each task's raw JSON and returns the reply value.
func (s *Self) Work(ctx context.Context, handle func(ctx context.Context, task json.RawMessage) (any, error)) error {
	for t := range s.tasks {
		v, err := handle(ctx, t.Data)
		l := line{Type: lineReply, ID: t.ID}
		if err != nil {
			l.Err = err.Error()
		} else if l.Data, err = json.Marshal(v); err != nil {
			l.Err = err.Error()
		}
		if err := s.write(l); err != nil {
			return err
		}
	}
	return nil
}

// Hold blocks until ctx ends or the parent closes stdin: for a child whose
// only job is to be alive.
func (s *Self) Hold(ctx context.Context) error {
	for range s.tasks {
	}
	<-ctx.Done()
	if errors.Is(context.Cause(ctx), errParentGone) {
		return nil
	}
	return context.Cause(ctx)
}

func (s *Self) write(l line) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enc.Encode(l)
}

func attrs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}
