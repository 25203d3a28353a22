package proc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Spec describes a child to start.
type Spec struct {
	Role  string  // the role to play (a key of the Roles the binary serves)
	Name  string  // shown as the actor: "buyer-1"
	Args  any     // JSON-encoded and handed to the child (Self.Args)
	Speed float64 // story speed (Self.Sleep); 0 means 1
	Seed  int64
	// Epoch is the parent's clock zero; the child's event times are
	// relative to it. Zero means the moment of Start.
	Epoch time.Time
	// OnEvent receives the child's events in the order it sent them, with
	// T on the parent's clock. It is called from one reader goroutine per
	// child and must not block for long.
	OnEvent func(c *Child, e ev.Event)
	// OnBeat is called when the child says it is busy (Self.Beat).
	OnBeat func(c *Child)
	// Exe is the binary to run; empty means this one (os.Executable).
	Exe string
}

// Child is one running (or finished) child process.
type Child struct {
	Name string
	Pid  int

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	inMu    sync.Mutex
	replies chan line // one outstanding task at a time per child
	done    chan struct{}
	stderr  tailBuffer

	mu      sync.Mutex
	result  json.RawMessage
	failure string // the child's own error line, if any
	waitErr error
	killed  bool
}

// Start launches a child and sends it its hello. The child is killed, with
// its whole process group, when ctx ends; it is always reaped, by a
// goroutine that waits for it, so Wait only reads the outcome.
func Start(ctx context.Context, spec Spec) (*Child, error) {
	if err := Supported(); err != nil {
		return nil, err
	}
	exe := spec.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("finding this program to start a copy of it: %w", err)
		}
	}
	if spec.Speed <= 0 {
		spec.Speed = 1
	}
	if spec.Epoch.IsZero() {
		spec.Epoch = time.Now()
	}
	args, err := json.Marshal(spec.Args)
	if err != nil {
		return nil, fmt.Errorf("child %s: arguments: %w", spec.Name, err)
	}
	c := &Child{Name: spec.Name, replies: make(chan line, 1), done: make(chan struct{})}
	// The extra arguments only make `ps` readable; the role comes from the
	// environment, which a test binary's TestMain checks before its flags.
	cmd := exec.Command(exe, "child", spec.Role, spec.Name)
	cmd.Env = append(os.Environ(), EnvRole+"="+spec.Role)
	if !strings.Contains(os.Getenv("GORACE"), "atexit_sleep_ms") {
		// A race-enabled binary (go test -race) otherwise lingers a second
		// at exit, which every child would pay.
		cmd.Env = append(cmd.Env, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	}
	cmd.Stderr = &c.stderr
	setProcAttr(cmd)
	c.cmd = cmd
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting child %s: %w", spec.Name, err)
	}
	c.Pid = cmd.Process.Pid
	if err := c.send(hello{Name: spec.Name, Args: args, Speed: spec.Speed, Seed: spec.Seed, Epoch: spec.Epoch.UnixNano()}); err != nil {
		c.Kill()
	}

	read := make(chan struct{})
	go func() {
		defer close(read)
		c.read(stdout, spec.OnEvent, spec.OnBeat)
	}()
	go func() {
		// Reap: drain stdout first (Wait closes the pipe), then wait.
		<-read
		err := cmd.Wait()
		c.mu.Lock()
		c.waitErr = err
		c.mu.Unlock()
		close(c.replies)
		close(c.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			c.Kill()
		case <-c.done:
		}
	}()
	return c, nil
}

func (c *Child) read(r io.Reader, onEvent func(*Child, ev.Event), onBeat func(*Child)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			c.stderr.Write([]byte("unreadable line from child: " + sc.Text() + "\n"))
			continue
		}
		switch l.Type {
		case lineEvent:
			if onEvent != nil {
				if l.T <= 0 {
					l.T = 1 // zero means "stamp it now" to the recorder
				}
				onEvent(c, ev.Event{T: l.T, Kind: l.Kind, Msg: l.Msg, Attrs: l.Attrs, Tone: l.Tone})
			}
		case lineBeat:
			if onBeat != nil {
				onBeat(c)
			}
		case lineReply:
			c.replies <- l
		case lineResult:
			c.mu.Lock()
			c.result = l.Data
			c.mu.Unlock()
		case lineError:
			c.mu.Lock()
			c.failure = l.Err
			c.mu.Unlock()
		}
	}
	io.Copy(io.Discard, r) // a too-long line: keep draining so the child is not blocked
}

func (c *Child) send(v any) error {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = c.stdin.Write(append(data, '\n'))
	return err
}

// CloseInput closes the child's standard input: a pool worker finishes,
// any child ends its Hold.
func (c *Child) CloseInput() error {
	c.inMu.Lock()
	defer c.inMu.Unlock()
	return c.stdin.Close()
}

// Kill ends the child and its process group now. It is safe to call at any
// time, also after the child exited.
func (c *Child) Kill() {
	select {
	case <-c.done:
		return
	default:
	}
	c.mu.Lock()
	c.killed = true
	c.mu.Unlock()
	killGroup(c.cmd.Process)
}

// Done is closed once the child has exited and been reaped.
func (c *Child) Done() <-chan struct{} { return c.done }

// Wait waits for the child to exit (it never waits for a reaped child) and
// reports how it ended: nil for exit status 0.
func (c *Child) Wait() error {
	<-c.done
	return c.Err()
}

// WaitCtx is Wait that gives up when ctx ends, killing the child; it still
// returns only after the child is reaped.
func (c *Child) WaitCtx(ctx context.Context) error {
	select {
	case <-c.done:
	case <-ctx.Done():
		c.Kill()
		<-c.done
	}
	return c.Err()
}

// Err is the outcome of a finished child.
func (c *Child) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waitErr == nil {
		return nil
	}
	if c.killed {
		return fmt.Errorf("child %s (pid %d) was killed", c.Name, c.Pid)
	}
	why := c.failure
	if why == "" {
		why = strings.TrimSpace(c.stderr.String())
	}
	if why == "" {
		why = c.waitErr.Error()
	}
	return &ExitError{Name: c.Name, Pid: c.Pid, Msg: why}
}

// ExitError is a child that exited unsuccessfully.
type ExitError struct {
	Name string
	Pid  int
	Msg  string
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("child %s (pid %d) failed: %s", e.Name, e.Pid, e.Msg)
}

// Result decodes the child's final result into v. It waits for the child.
func (c *Child) Result(v any) error {
	if err := c.Wait(); err != nil {
		return err
	}
	c.mu.Lock()
	data := c.result
	c.mu.Unlock()
	if data == nil {
		return fmt.Errorf("child %s (pid %d) sent no result", c.Name, c.Pid)
	}
	return json.Unmarshal(data, v)
}

// ProcessState is the operating system's account of how the child ended
// (nil while it runs).
func (c *Child) ProcessState() *os.ProcessState {
	select {
	case <-c.done:
		return c.cmd.ProcessState
	default:
		return nil
	}
}

// ErrChildExited is returned by Call when the child exits before replying.
var ErrChildExited = errors.New("child exited before replying")

// Call sends one task and waits for the reply, decoding it into out. A
// child answers one task at a time; Call must not be used concurrently on
// one child (a Pool hands each worker to one caller at a time).
func (c *Child) Call(ctx context.Context, id uint64, in, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if err := c.send(task{ID: id, Data: data}); err != nil {
		return fmt.Errorf("child %s (pid %d): %w", c.Name, c.Pid, errors.Join(ErrChildExited, err))
	}
	select {
	case l, ok := <-c.replies:
		if !ok {
			if err := c.Err(); err != nil {
				return err
			}
			return fmt.Errorf("child %s (pid %d): %w", c.Name, c.Pid, ErrChildExited)
		}
		if l.Err != "" {
			return fmt.Errorf("child %s (pid %d): %s", c.Name, c.Pid, l.Err)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(l.Data, out)
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// tailBuffer keeps the last few kilobytes a child wrote to stderr.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const tailMax = 4096

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if n := t.buf.Len(); n > tailMax {
		t.buf.Next(n - tailMax)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
