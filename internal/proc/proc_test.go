//go:build unix

package proc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// roles are the children these tests start: copies of the test binary.
var roles = proc.Roles{
	"test/echo": func(ctx context.Context, s *proc.Self) error {
		var args struct{ Word string }
		if err := s.Args(&args); err != nil {
			return err
		}
		s.Log(ev.Start, "hello from "+s.Name, "word", args.Word)
		if err := s.Sleep(ctx, 0.01); err != nil {
			return err
		}
		s.Logf(ev.Done, "%s done", s.Name)
		return s.Result(map[string]any{"pid": s.Pid, "word": strings.ToUpper(args.Word)})
	},
	"test/fail": func(ctx context.Context, s *proc.Self) error {
		return errors.New("the role failed on purpose")
	},
	// crash dies the way a Go program dies of a panic nobody recovers: the
	// panic line, then the stack of every goroutine, exit status 2.
	"test/crash": func(ctx context.Context, s *proc.Self) error {
		go func() { panic("the child crashed on purpose") }()
		<-ctx.Done()
		return nil
	},
	// nothread prints what the Go runtime prints when it cannot start a
	// thread under a low process limit (ulimit -u), with more dump after it
	// than the parent keeps, and exits as the runtime does.
	"test/nothread": func(ctx context.Context, s *proc.Self) error {
		fmt.Fprint(os.Stderr, "runtime: failed to create new OS thread (have 2 already; errno=11)\n"+
			"runtime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc\n\n"+
			"runtime stack:\nruntime.throw({0x5d1f2a?, 0x0?})\n\t/usr/local/go/src/runtime/panic.go:1101 +0x48 fp=0x7fff3fede7f0\n")
		for range 400 {
			fmt.Fprint(os.Stderr, "00007fff3fede870: 00000000 00000020 00000000 00000000 0046a0c5 00000000\n")
		}
		os.Exit(2)
		return nil
	},
	"test/hold": func(ctx context.Context, s *proc.Self) error {
		s.Log(ev.Start, "holding")
		return s.Hold(ctx)
	},
	"test/square": func(ctx context.Context, s *proc.Self) error {
		return s.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
			var n int
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, err
			}
			if n < 0 {
				return nil, errors.New("negative")
			}
			return [2]int{n * n, s.Pid}, nil
		})
	},
	// nap sleeps Args.Secs story seconds between two events.
	"test/nap": func(ctx context.Context, s *proc.Self) error {
		var args struct{ Secs float64 }
		if err := s.Args(&args); err != nil {
			return err
		}
		s.Log(ev.Wait, "naps")
		if err := s.Sleep(ctx, args.Secs); err != nil {
			return err
		}
		s.Log(ev.Done, "woke")
		return nil
	},
	// runner waits at its group's start line, then reports when it got
	// there and when it was let go, on the parent's clock; with Fail it
	// fails right after the release, with Hold it holds instead.
	"test/runner": func(ctx context.Context, s *proc.Self) error {
		var args struct{ Fail, Hold bool }
		if err := s.Args(&args); err != nil {
			return err
		}
		ready := s.Now()
		if err := s.StartLine(ctx); err != nil {
			return err
		}
		off := s.Now()
		switch {
		case args.Fail:
			return errors.New(s.Name + " tripped on purpose")
		case args.Hold:
			s.Log(ev.Start, "holding")
			return s.Hold(ctx)
		}
		return s.Result(runnerResult{Name: s.Name, Ready: ready, Off: off})
	},
	// middle starts a grandchild, reports its pid and holds: the test kills
	// middle and checks the grandchild does not survive it.
	"test/middle": func(ctx context.Context, s *proc.Self) error {
		g, err := proc.Start(ctx, proc.Spec{Role: "test/hold", Name: "grandchild"})
		if err != nil {
			return err
		}
		s.Log(ev.Start, "started grandchild", "grandchild", g.Pid)
		return s.Hold(ctx)
	},
}

func TestMain(m *testing.M) {
	if proc.IsChild() {
		os.Exit(proc.Serve(roles))
	}
	goleak.VerifyTestMain(m)
}

// events collects what children said, safely across reader goroutines.
type events struct {
	mu   sync.Mutex
	list []ev.Event
	seen chan ev.Event
}

func newEvents() *events { return &events{seen: make(chan ev.Event, 100)} }

func (e *events) add(c *proc.Child, ev ev.Event) {
	e.mu.Lock()
	ev.Actor = c.Name
	e.list = append(e.list, ev)
	e.mu.Unlock()
	e.seen <- ev
}

func TestChildEventsAndResult(t *testing.T) {
	ev := newEvents()
	epoch := time.Now()
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/echo", Name: "echo-1", Args: map[string]string{"Word": "hi"},
		Speed: 1, Epoch: epoch, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Pid  int
		Word string
	}
	if err := c.Result(&res); err != nil {
		t.Fatal(err)
	}
	if res.Pid != c.Pid || c.Pid == os.Getpid() || res.Word != "HI" {
		t.Fatalf("result %+v from child pid %d (we are %d)", res, c.Pid, os.Getpid())
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if len(ev.list) != 2 || ev.list[0].Msg != "hello from echo-1" || ev.list[1].Msg != "echo-1 done" {
		t.Fatalf("events %+v", ev.list)
	}
	if ev.list[0].Attrs["word"] != "hi" {
		t.Errorf("attributes lost: %+v", ev.list[0].Attrs)
	}
	// Stamped on our clock: after the epoch, in order, not in the future.
	if a, b := ev.list[0].T, ev.list[1].T; a <= 0 || b < a+10*time.Millisecond || b > time.Since(epoch) {
		t.Errorf("child stamps %v, %v not on the parent's clock (now %v)", a, b, time.Since(epoch))
	}
	if st := c.ProcessState(); st == nil || !st.Exited() || st.ExitCode() != 0 {
		t.Errorf("process state %v", st)
	}
	assertGone(t, c.Pid)
}

// A child announces each story-clock sleep, with its real duration,
// before it starts sleeping: that is what lets the parent's watchdog count
// a sleeping child as alive.
func TestSleepIsAnnounced(t *testing.T) {
	type sleep struct {
		d      time.Duration
		before int // events delivered before the announcement
	}
	var (
		mu     sync.Mutex
		sleeps []sleep
		seen   int
	)
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/nap", Name: "napper", Args: map[string]float64{"Secs": 0.5},
		Speed: 2,
		OnEvent: func(*proc.Child, ev.Event) {
			mu.Lock()
			seen++
			mu.Unlock()
		},
		OnSleep: func(_ *proc.Child, d time.Duration) {
			mu.Lock()
			sleeps = append(sleeps, sleep{d, seen})
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// 0.5 story-seconds at speed 2 is 250 ms, announced between "naps" and "woke".
	if len(sleeps) != 1 || sleeps[0].d != 250*time.Millisecond || sleeps[0].before != 1 || seen != 2 {
		t.Fatalf("sleeps %+v after %d events, want one of 250ms between the two events", sleeps, seen)
	}
}

func TestChildFailureIsReported(t *testing.T) {
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/fail", Name: "failer"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Wait()
	var ee *proc.ExitError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "the role failed on purpose") || ee.Pid != c.Pid {
		t.Fatalf("err = %v", err)
	}
}

// A child that crashes is reported by the first line that says what went
// wrong, never by its stack or memory dump; the dump is kept in a file
// only when asked (EnvStderrDir).
func TestChildCrashIsReadable(t *testing.T) {
	for _, tc := range []struct {
		role, want string
		keep       bool
	}{
		{"test/crash", "panic: the child crashed on purpose", false},
		{"test/nothread", "could not start: resource temporarily unavailable", false},
		{"test/nothread", "could not start: resource temporarily unavailable", true},
	} {
		dir := ""
		if tc.keep {
			dir = t.TempDir()
		}
		t.Setenv(proc.EnvStderrDir, dir)
		c, err := proc.Start(context.Background(), proc.Spec{Role: tc.role, Name: "crasher"})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Wait()
		var ee *proc.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("%s: err = %v, want an ExitError", tc.role, err)
		}
		if !strings.HasPrefix(ee.Msg, tc.want) || strings.Contains(ee.Msg, "\n") {
			t.Errorf("%s: message %q, want one line starting %q", tc.role, ee.Msg, tc.want)
		}
		for _, dump := range []string{"goroutine ", "00007fff", "runtime.throw"} {
			if strings.Contains(ee.Msg, dump) {
				t.Errorf("%s: the message holds the crash dump (%q): %q", tc.role, dump, ee.Msg)
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		switch {
		case !tc.keep && strings.Contains(ee.Msg, "stderr is in"):
			t.Errorf("%s: a dump was kept without being asked for: %q", tc.role, ee.Msg)
		case tc.keep && len(files) != 1:
			t.Errorf("%s: kept files %v, want one", tc.role, files)
		case tc.keep:
			data, _ := os.ReadFile(files[0])
			if !strings.Contains(ee.Msg, files[0]) || !strings.Contains(string(data), "fatal error: newosproc") ||
				!strings.Contains(string(data), "bytes left out") {
				t.Errorf("%s: message %q, kept %d bytes starting %.80q", tc.role, ee.Msg, len(data), data)
			}
		}
	}
}

// Meaningful picks the line that says what went wrong.
func TestMeaningful(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "",
		"\n\n":                         "",
		"pardemo child x (y): no db\n": "pardemo child x (y): no db",
		"panic: boom [recovered]\n\ngoroutine 1 [running]:\nmain.main()\n\t/x.go:3 +0x1d\nexit status 2\n":     "panic: boom",
		"goroutine 1 [running]:\nmain.main()\n\t/x.go:3\nfatal error: all goroutines are asleep - deadlock!\n": "fatal error: all goroutines are asleep - deadlock!",
		"runtime/cgo: pthread_create failed: Resource temporarily unavailable\nSIGABRT: abort\n":               "could not start: resource temporarily unavailable",
		"00007fff3fede870: 00000000 00000020\nrax    0x0\nwarning: something odd\n":                            "warning: something odd",
	} {
		if got := proc.Meaningful(in); got != want {
			t.Errorf("Meaningful(%.40q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnknownRole(t *testing.T) {
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/nope", Name: "lost"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err == nil || !strings.Contains(err.Error(), `unknown role "test/nope"`) {
		t.Fatalf("err = %v", err)
	}
	if code := c.ProcessState().ExitCode(); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
}

// Cancelling the context kills the child (and its group) and reaps it.
func TestCancelKillsAndReaps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ev := newEvents()
	c, err := proc.Start(ctx, proc.Spec{Role: "test/hold", Name: "holder", OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	<-ev.seen // it is up
	cancel()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("child still running 5s after its context ended")
	}
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("err = %v", err)
	}
	assertGone(t, c.Pid)
}

// Closing a child's stdin is how it learns its parent has gone: it exits.
func TestStdinEOFEndsChild(t *testing.T) {
	ev := newEvents()
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/hold", Name: "holder", OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	<-ev.seen
	c.CloseInput()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		c.Kill()
		t.Fatal("child ignored the end of its stdin")
	}
	if err := c.Err(); err != nil {
		t.Errorf("a child whose parent left should exit cleanly, got %v", err)
	}
}

func TestPoolReusesWorkers(t *testing.T) {
	ctx := context.Background()
	p, err := proc.NewPool(ctx, 3, proc.Spec{Role: "test/square", Name: "sq"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	pids := map[int]bool{}
	for _, pid := range p.Pids() {
		pids[pid] = true
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	used := map[int]int{}
	for n := range 60 {
		wg.Go(func() {
			var out [2]int
			w, err := p.Do(ctx, n, &out)
			if err != nil || out[0] != n*n || out[1] != w.Pid {
				t.Errorf("task %d: %v %v (worker %v)", n, out, err, w.Pid)
			}
			mu.Lock()
			used[out[1]]++
			mu.Unlock()
		})
	}
	wg.Wait()
	for pid := range used {
		if !pids[pid] {
			t.Errorf("a reply came from pid %d, not a pool worker %v", pid, p.Pids())
		}
	}
	// A task error is the task's, not the worker's: the pool goes on.
	if _, err := p.Do(ctx, -1, nil); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("task error %v", err)
	}
	var out [2]int
	if _, err := p.Do(ctx, 7, &out); err != nil || out[0] != 49 {
		t.Errorf("after a task error: %v %v", out, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for pid := range pids {
		assertGone(t, pid)
	}
}

func BenchmarkChildStartWait(b *testing.B) {
	for b.Loop() {
		c, err := proc.Start(context.Background(), proc.Spec{Role: "test/square", Name: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		c.CloseInput()
		if err := c.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPoolRoundTrip(b *testing.B) {
	ctx := context.Background()
	p, err := proc.NewPool(ctx, 1, proc.Spec{Role: "test/square", Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var out [2]int
	for b.Loop() {
		if _, err := p.Do(ctx, 3, &out); err != nil {
			b.Fatal(err)
		}
	}
}
