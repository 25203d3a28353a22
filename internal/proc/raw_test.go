//go:build unix

package proc_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func init() {
	// fdcopy reads a line from its extra file 0 and writes it, upper-cased,
	// to extra file 1, then reports its parent's pid.
	roles["test/fdcopy"] = func(ctx context.Context, s *proc.Self) error {
		in, out := s.File(0), s.File(1)
		if in == nil || out == nil || s.File(2) != nil {
			return io.ErrUnexpectedEOF
		}
		l, err := bufio.NewReader(in).ReadString('\n')
		if err != nil {
			return err
		}
		if _, err := io.WriteString(out, strings.ToUpper(l)); err != nil {
			return err
		}
		out.Close()
		return s.Result(map[string]int{"ppid": s.ParentPid})
	}
	// rawprint writes raw lines to its standard output around a protocol event.
	roles["test/rawprint"] = func(ctx context.Context, s *proc.Self) error {
		os.Stdout.WriteString("raw one\n")
		s.Log(ev.Note, "protocol still works")
		os.Stdout.WriteString("raw two, no newline")
		return nil
	}
	// becomeprint replaces itself with this binary in PrintRole.
	roles["test/becomeprint"] = func(ctx context.Context, s *proc.Self) error {
		path, argv, env, err := proc.PrintCommand("now", "I", "am", "printing")
		if err != nil {
			return err
		}
		os.Stdout.WriteString("before exec\n")
		err = proc.Exec(path, argv, env)
		os.Stdout.WriteString("after exec\n")
		return err
	}
}

func TestExtraFilesAndParentPid(t *testing.T) {
	toChild, toChildW, _ := os.Pipe()
	fromChildR, fromChild, _ := os.Pipe()
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/fdcopy", Name: "fd", ExtraFiles: []*os.File{toChild, fromChild}})
	toChild.Close()
	fromChild.Close()
	if err != nil {
		t.Fatal(err)
	}
	toChildW.WriteString("through fd 3\n")
	toChildW.Close()
	got, _ := io.ReadAll(fromChildR) // ends when the child closes its end
	fromChildR.Close()
	if string(got) != "THROUGH FD 3\n" {
		t.Errorf("read %q from the child's fd 4", got)
	}
	var res struct{ Ppid int }
	if err := c.Result(&res); err != nil {
		t.Fatal(err)
	}
	if res.Ppid != os.Getpid() {
		t.Errorf("child says its parent is %d, we are %d", res.Ppid, os.Getpid())
	}
}

type rawLines struct {
	mu    sync.Mutex
	lines []string
	pids  []int
}

func (r *rawLines) add(c *proc.Child, l []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, string(l))
	r.pids = append(r.pids, c.Pid)
}

func TestRawOutputBesideTheProtocol(t *testing.T) {
	var raw rawLines
	evs := newEvents()
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/rawprint", Name: "raw", OnOutput: raw.add, OnEvent: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"raw one\n", "raw two, no newline"}; strings.Join(raw.lines, "|") != strings.Join(want, "|") {
		t.Errorf("raw lines %q, want %q", raw.lines, want)
	}
	if len(evs.list) != 1 || evs.list[0].Msg != "protocol still works" {
		t.Errorf("events %v", evs.list)
	}
}

func TestExecReplacesTheChild(t *testing.T) {
	var raw rawLines
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/becomeprint", Name: "exec", OnOutput: raw.add})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.WaitCtx(ctx); err != nil {
		t.Fatal(err)
	}
	if want := "before exec\n|now I am printing\n"; strings.Join(raw.lines, "|") != want {
		t.Errorf("raw lines %q, want %q", raw.lines, want)
	}
	for _, p := range raw.pids {
		if p != c.Pid {
			t.Errorf("line from pid %d, child is %d", p, c.Pid)
		}
	}
}
