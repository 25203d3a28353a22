package cmd_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
)

// isChildEvent accepts a JSON event line that a child process sent.
func isChildEvent(l string) bool {
	return strings.HasPrefix(l, `{"type":"event",`) && strings.Contains(l, `"pid":`)
}

// assertDBClean fails unless db is valid JSON with nothing but its lock
// beside it, and tmp (the run's TMPDIR) is empty.
func assertDBClean(t *testing.T, db, tmp string) {
	t.Helper()
	if db != "" {
		data, err := os.ReadFile(db)
		if err != nil {
			t.Fatalf("the ticket database is gone: %v", err)
		}
		if !json.Valid(data) {
			t.Fatalf("the ticket database is not valid JSON: %q", data)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "*")); len(left) > 2 {
			t.Errorf("files left next to the database (a temp file not cleaned up?): %v", left)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("files left in TMPDIR: %v", left)
	}
}

// SIGTERM, SIGHUP (the terminal closed) and a second Ctrl-C during the
// cleanup of the first all stop a process scenario the same way as one
// Ctrl-C: children stopped and reaped, temp files removed, the database
// valid, one line on stderr and the signal's exit code — never a death by
// the signal itself.
func TestStopSignals(t *testing.T) {
	cases := []struct {
		name   string
		sigs   []syscall.Signal
		code   int
		stderr string
	}{
		{"SIGTERM", []syscall.Signal{syscall.SIGTERM}, cmd.ExitTerminated, "pardemo: interrupted by SIGTERM\n"},
		{"SIGHUP", []syscall.Signal{syscall.SIGHUP}, cmd.ExitHangup, "pardemo: interrupted by SIGHUP\n"},
		{"repeated SIGINT", []syscall.Signal{syscall.SIGINT, syscall.SIGINT, syscall.SIGINT, syscall.SIGINT}, cmd.ExitInterrupted, "pardemo: interrupted\n"},
		{"SIGINT then SIGTERM", []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGTERM}, cmd.ExitInterrupted, "pardemo: interrupted\n"},
	}
	for _, tc := range cases {
		for _, ownDB := range []bool{true, false} {
			name := tc.name + " temp db"
			if ownDB {
				name = tc.name + " --db"
			}
			t.Run(name, func(t *testing.T) {
				tag := fmt.Sprintf("PARDEMO_E2E_TAG=%d-%s", os.Getpid(), strings.ReplaceAll(name, " ", "-"))
				tmp := t.TempDir()
				args := []string{"--json", "--speed", "1", "tickets", "--buyers", "4"}
				db := ""
				if ownDB {
					db = filepath.Join(t.TempDir(), "tickets.json")
					args = append(args, "--db", db)
				}
				r := signalRun(t, []string{tag, "TMPDIR=" + tmp}, isChildEvent, tc.sigs, args...)
				if r.code != tc.code || r.stderr != tc.stderr {
					t.Fatalf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, tc.code, tc.stderr)
				}
				pids := childPids(r.lines)
				if len(pids) == 0 {
					t.Fatal("no child process reported an event before the signal")
				}
				parsed, err := parseLines([]byte(strings.Join(r.lines, "\n") + "\n"))
				if err != nil {
					t.Fatal(err)
				}
				if err := checkErrorLast(parsed, tc.code); err != nil {
					t.Error(err)
				}
				assertNoneLeft(t, tag, pids)
				assertDBClean(t, db, tmp)
			})
		}
	}
}

// `pardemo tickets | head -1`: once the reader of stdout is gone, the next
// write fails, and the run stops as after Ctrl-C — children reaped, the
// temporary database removed — and exits 1 with one line on stderr,
// instead of dying of SIGPIPE half-way.
func TestClosedStdout(t *testing.T) {
	cases := []struct {
		name string
		args []string
		// enough is the last line the reader takes before it goes away
		enough func(string) bool
		limit  time.Duration // to stop after stdout closed; 0: 5s
	}{
		{"text head -1", []string{"tickets", "--buyers", "4"}, func(string) bool { return true }, 0},
		{"json until a child speaks", []string{"--json", "tickets", "--buyers", "4"}, isChildEvent, 0},
		{"json processes pool", []string{"--json", "pool", "primes", "--run-as", "processes", "--workers", "2",
			"--numbers", strings.Repeat("9223372036854775783,", 15) + "9223372036854775783"}, isChildEvent, 0},
		// The reader leaves while the workers divide and nothing is
		// printed for seconds: the run must notice the closed pipe
		// without waiting for its next write (ui.ErrWriter.Probe).
		{"json processes pool, silent", []string{"--json", "pool", "primes", "--run-as", "processes", "--workers", "2",
			"--numbers", strings.Repeat("9223372036854775783,", 15) + "9223372036854775783"},
			func(l string) bool { return strings.Contains(l, "worker processes, all ready") }, 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tag := fmt.Sprintf("PARDEMO_E2E_TAG=%d-%s", os.Getpid(), strings.ReplaceAll(tc.name, " ", "-"))
			tmp := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c := pardemoCmd(t, ctx, append([]string{"--speed", "1"}, tc.args...)...)
			c.Env = append(c.Env, tag, "TMPDIR="+tmp)
			var stderr strings.Builder
			c.Stderr = &stderr
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			c.Stdout = pw
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			var lines []string
			sc := bufio.NewScanner(pr)
			sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if tc.enough(sc.Text()) {
					break
				}
			}
			pr.Close() // the reader is gone, like head after its line
			closed := time.Now()
			err = c.Wait()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			if tc.limit == 0 {
				tc.limit = 5 * time.Second
			}
			if took := time.Since(closed); took > tc.limit {
				t.Errorf("took %s to stop after stdout closed", took)
			}
			if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("pardemo died of %v after its stdout closed; stderr:\n%s", ws.Signal(), stderr.String())
			}
			if code := c.ProcessState.ExitCode(); code != cmd.ExitRuntime {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, cmd.ExitRuntime, stderr.String())
			}
			if got := stderr.String(); !strings.HasPrefix(got, "pardemo: cannot write output: ") || !strings.Contains(got, "broken pipe") || strings.Count(got, "\n") != 1 {
				t.Errorf("stderr %q, want one line about the broken pipe", got)
			}
			assertNoneLeft(t, tag, childPids(lines))
			assertDBClean(t, "", tmp)
		})
	}
}

// Ctrl-C held down: SIGINT after SIGINT until pardemo exits. Every run
// ends with 130 (or 0, if it finished before the first), never as a death
// by the signal, also when the last ones come after the cleanup, on the
// way to exit. (The chaos suite once caught "killed by interrupt, want
// 130": Main restored the signals' default action before exiting. That
// window is microseconds wide, too narrow for this test to hit at will;
// it checks the property, the chaos suite keeps probing the window.)
func TestSignalsHandledUntilExit(t *testing.T) {
	for i := range 10 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		c := pardemoCmd(t, ctx, "--speed", "1000", "thread", "start")
		stdout, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		// Once it prints, its handlers are in place (a signal before that
		// kills any program: Go's runtime has not started main yet).
		out := bufio.NewReader(stdout)
		if _, err := out.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
	blast:
		for {
			select {
			case err = <-done:
				break blast
			case <-time.After(time.Duration(1+i%3) * time.Millisecond):
				_ = c.Process.Signal(syscall.SIGINT)
			}
		}
		cancel()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("run %d: killed by %v, want exit 130", i, ws.Signal())
			}
			if code := ee.ExitCode(); code != cmd.ExitInterrupted {
				t.Fatalf("run %d: exit %d, want 130", i, code)
			}
		}
	}
}
