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
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	// OnSleep is called when the child starts a story-clock sleep
	// (Self.Sleep) of d real time: it will wake by itself after d, so a
	// watchdog should count it as alive until then.
	OnSleep func(c *Child, d time.Duration)
	// Exe is the binary to run; empty means this one (os.Executable).
	Exe string

	// ExtraFiles are handed to the child as file descriptors 3, 4, …
	// (exec.Cmd.ExtraFiles); the child opens them with Self.File(i).
	// Start does not close them: the parent closes its own copies once
	// Start returns, so that the child holds the only ones (a pipe's
	// reader then sees end-of-stream when the child closes its end).
	ExtraFiles []*os.File
	// OnOutput, if set, makes the child's standard output raw: whatever
	// the child's process writes there (also after it replaced itself with
	// another program, Exec) is read by the parent and handed to OnOutput
	// one line at a time (a last line without a newline too), from one
	// reader goroutine. The protocol then runs over a pipe of its own at
	// fd 3+len(ExtraFiles).
	OnOutput func(c *Child, line []byte)
	// Stdout, if set, is the child's raw standard output, shared with
	// whatever else has it (several children writing to one pipe the
	// parent reads itself): as with OnOutput, the protocol moves to a pipe
	// of its own. Start does not close it. Stdout wins over OnOutput.
	Stdout *os.File
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
	ready   chan struct{} // closed when the child reaches its start line
	isReady sync.Once
	stderr  stderrLog

	mu      sync.Mutex
	result  json.RawMessage
	failure string // the child's own error line, if any
	waitErr error
	killed  bool
	dump    string // where its stderr was kept (see EnvStderrDir), if it was
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
	c := &Child{Name: spec.Name, replies: make(chan line, 1), done: make(chan struct{}), ready: make(chan struct{})}
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
	cmd.ExtraFiles = append([]*os.File(nil), spec.ExtraFiles...)
	var control, raw io.ReadCloser
	var controlW *os.File // the child's end of a separate control pipe
	if spec.Stdout != nil || spec.OnOutput != nil {
		// Raw standard output: the protocol moves to a pipe of its own,
		// after the caller's extra files.
		r, w, err := os.Pipe()
		if err != nil {
			c.stdin.Close()
			return nil, err
		}
		control, controlW = r, w
		cmd.ExtraFiles = append(cmd.ExtraFiles, w)
		cmd.Env = append(cmd.Env, envControl+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
		if spec.Stdout != nil {
			cmd.Stdout = spec.Stdout
		} else if raw, err = cmd.StdoutPipe(); err != nil {
			c.stdin.Close()
			r.Close()
			w.Close()
			return nil, err
		}
	} else {
		// A grandchild must not inherit its parent's control descriptor.
		cmd.Env = append(cmd.Env, envControl+"=")
		if control, err = cmd.StdoutPipe(); err != nil {
			c.stdin.Close()
			return nil, err
		}
	}
	cmd.Env = append(cmd.Env, envFiles+"="+strconv.Itoa(len(spec.ExtraFiles)))
	if err := startOnThread(c, cmd); err != nil {
		c.stdin.Close()
		if controlW != nil {
			control.Close()
			controlW.Close()
		}
		return nil, fmt.Errorf("starting child %s: %w", spec.Name, err)
	}
	if controlW != nil {
		controlW.Close() // the child has its copy; its exit ends our reads
	}
	c.Pid = cmd.Process.Pid
	if err := c.send(hello{Name: spec.Name, Args: args, Speed: spec.Speed, Seed: spec.Seed, Epoch: spec.Epoch.UnixNano()}); err != nil {
		c.Kill()
	}

	read := make(chan struct{})
	go func() {
		defer close(read)
		c.read(control, spec)
		if controlW != nil {
			control.Close()
		}
	}()
	rawRead := make(chan struct{})
	go func() {
		defer close(rawRead)
		if raw != nil {
			c.readRaw(raw, spec.OnOutput)
		}
	}()
	go func() {
		// Reap: drain the pipes first (Wait closes them), then wait.
		<-read
		<-rawRead
		err := cmd.Wait()
		c.mu.Lock()
		c.waitErr = err
		if err != nil && !c.killed {
			c.dump = c.keepStderr()
		}
		c.mu.Unlock()
		close(c.replies)
		close(c.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			c.Stop(StopGrace)
		case <-c.done:
		}
	}()
	return c, nil
}

// StopGrace is how long a child stopped by its context (Ctrl-C) may take
// to end by itself once its standard input is closed, before it is killed.
// A child that ends by itself first ends and reaps its own children; one
// killed outright leaves them to die of their death signal and to be
// reaped by init, which may take a while.
const StopGrace = 200 * time.Millisecond

// Stop ends the child politely: it closes the child's standard input (the
// child's context ends, its role returns, its own children are ended and
// reaped), waits up to grace for it to exit, and kills it and its process
// group if it has not. Like Kill, it counts as killed, and it returns once
// the child has exited (it may not be reaped yet).
func (c *Child) Stop(grace time.Duration) {
	select {
	case <-c.done:
		return
	default:
	}
	c.mu.Lock()
	c.killed = true
	c.mu.Unlock()
	c.CloseInput()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		c.Kill()
	}
}

func (c *Child) read(r io.Reader, spec Spec) {
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
			if spec.OnEvent != nil {
				if l.T <= 0 {
					l.T = 1 // zero means "stamp it now" to the recorder
				}
				spec.OnEvent(c, ev.Event{T: l.T, Actor: l.Actor, Kind: l.Kind, Msg: l.Msg, Attrs: l.Attrs, Tone: l.Tone})
			}
		case lineBeat:
			if spec.OnBeat != nil {
				spec.OnBeat(c)
			}
		case lineSleep:
			if spec.OnSleep != nil && l.Sleep > 0 {
				spec.OnSleep(c, l.Sleep)
			}
		case lineReady:
			c.isReady.Do(func() { close(c.ready) })
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

// readRaw hands the child's raw output to on, line by line.
func (c *Child) readRaw(r io.Reader, on func(*Child, []byte)) {
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		l, err := br.ReadBytes('\n')
		if len(l) > 0 {
			on(c, l)
		}
		if err != nil {
			io.Copy(io.Discard, r)
			return
		}
	}
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

// Ready is closed once the child has reached its start line
// (Self.StartLine) and waits to be released.
func (c *Child) Ready() <-chan struct{} { return c.ready }

// Release lets the child go from its start line (Self.StartLine returns).
// A Group releases all its members with Group.Release; Release is for a
// child started alone. Releasing a child that has not reached its line yet
// is allowed: it then passes the line without stopping.
func (c *Child) Release() error {
	if err := c.send(task{Release: true}); err != nil {
		return fmt.Errorf("releasing child %s (pid %d): %w", c.Name, c.Pid, err)
	}
	return nil
}

// Wait waits for the child to exit (it never waits for a reaped child) and
// reports how it ended: nil for exit status 0.
func (c *Child) Wait() error {
	<-c.done
	return c.Err()
}

// WaitCtx is Wait that gives up when ctx ends, stopping the child (Stop);
// it still returns only after the child is reaped.
func (c *Child) WaitCtx(ctx context.Context) error {
	select {
	case <-c.done:
	case <-ctx.Done():
		c.Stop(StopGrace)
		<-c.done
	}
	return c.Err()
}

// Err is the outcome of a finished child.
func (c *Child) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed { // by Kill or Stop, even if it then exited by itself
		return fmt.Errorf("child %s (pid %d) was killed", c.Name, c.Pid)
	}
	if c.waitErr == nil {
		return nil
	}
	why := c.failure
	if why == "" {
		why = Meaningful(c.stderr.String())
	}
	if why == "" {
		why = c.waitErr.Error()
	}
	if c.dump != "" {
		why += " (its stderr is in " + c.dump + ")"
	}
	return &ExitError{Name: c.Name, Pid: c.Pid, Msg: why}
}

// EnvStderrDir names a directory in which the stderr of every child that
// fails is kept, one file per child: a crashing Go program's dump is long,
// and only its first meaningful line goes into the error (see Meaningful).
const EnvStderrDir = "PARDEMO_CHILD_STDERR"

// keepStderr writes the child's stderr to a file under EnvStderrDir, if
// that is set, and returns the file's name.
func (c *Child) keepStderr() string {
	dir := os.Getenv(EnvStderrDir)
	text := c.stderr.String()
	if dir == "" || text == "" {
		return ""
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-%d.stderr", strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, c.Name), c.Pid))
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		return ""
	}
	return name
}

// threadFailure is how the Go runtime says it could not start a thread,
// in a child started under a low process limit (ulimit -u).
var threadFailure = regexp.MustCompile(`^runtime: failed to create new OS thread .*errno=(\d+)`)

// dumpLine matches the lines of a crash dump that say nothing by
// themselves: goroutine headers, stack frames, hex memory and registers.
var dumpLine = regexp.MustCompile(`^(goroutine \d+ |runtime stack:|created by |\[signal |[0-9a-fA-Fx]{6,}: |[a-z0-9]{2,3} +0x[0-9a-f]+$|PC=0x|exit status |\.\.\.)|^[\w./*()\[\]-]+\(.*\)$|^\s`)

// Meaningful is the line of a child's stderr that says what went wrong,
// cut to one line: what a crashing Go program led with ("panic: …",
// "fatal error: …"), or, when the runtime could not even start a thread,
// "could not start: resource temporarily unavailable" — never a line of
// the stack dump or memory that follows.
func Meaningful(stderr string) string {
	lines := strings.Split(stderr, "\n")
	for _, l := range lines {
		if m := threadFailure.FindStringSubmatch(l); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				return "could not start: " + syscall.Errno(n).Error()
			}
		}
		if rest, ok := strings.CutPrefix(l, "runtime/cgo: pthread_create failed: "); ok {
			return "could not start: " + strings.ToLower(strings.TrimSpace(rest))
		}
	}
	for _, prefix := range []string{"panic: ", "fatal error: "} {
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return cut(strings.TrimSuffix(strings.TrimSpace(l), " [recovered]"))
			}
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && !dumpLine.MatchString(l) {
			return cut(strings.TrimSpace(l))
		}
	}
	return ""
}

// cut shortens a line to what reads as one line of an error.
func cut(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
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

// stderrLog keeps the first and the last few kilobytes a child wrote to
// stderr: a crash dump leads with what went wrong and can run to
// megabytes after it.
type stderrLog struct {
	mu      sync.Mutex
	head    []byte
	tail    bytes.Buffer
	dropped int // bytes between head and tail that were not kept
}

const stderrKeep = 4096

func (t *stderrLog) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := stderrKeep - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.tail.Write(p)
	if extra := t.tail.Len() - stderrKeep; extra > 0 {
		t.tail.Next(extra)
		t.dropped += extra
	}
	return n, nil
}

func (t *stderrLog) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped == 0 {
		return string(t.head) + t.tail.String()
	}
	return fmt.Sprintf("%s\n… %d bytes left out …\n%s", t.head, t.dropped, t.tail.String())
}
