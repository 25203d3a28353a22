//go:build unix

package cmd_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
)

// textEvent matches an event line of the text renderer: "  +0.012s  actor ...".
var textEvent = regexp.MustCompile(`^ *\+\d+\.\d{3}s  \S`)

// TestInterrupt starts a long run of the real binary, waits until it has
// printed an event, sends SIGINT and expects exit code 130 promptly.
func TestInterrupt(t *testing.T) {
	for _, mode := range []string{"text", "json"} {
		t.Run(mode, func(t *testing.T) {
			args := []string{"--speed", "1", "producer-consumer"} // about 10 s at speed 1
			isEvent := textEvent.MatchString
			if mode == "json" {
				args = append([]string{"--json"}, args...)
				isEvent = func(l string) bool { return strings.HasPrefix(l, `{"type":"event",`) }
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c := pardemoCmd(t, ctx, args...)
			var stderr strings.Builder
			c.Stderr = &stderr
			stdout, err := c.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}

			// Read stdout in the background; report the first event, keep
			// every line for the checks after exit.
			firstEvent := make(chan struct{})
			linesDone := make(chan []string, 1)
			go func() {
				var lines []string
				sc := bufio.NewScanner(stdout)
				sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
				signalled := false
				for sc.Scan() {
					lines = append(lines, sc.Text())
					if !signalled && isEvent(sc.Text()) {
						signalled = true
						close(firstEvent)
					}
				}
				linesDone <- lines
			}()

			select {
			case <-firstEvent:
			case <-time.After(10 * time.Second):
				_ = c.Process.Kill()
				<-linesDone
				_ = c.Wait()
				t.Fatal("no event line within 10s")
			}
			if err := c.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()

			var lines []string
			select {
			case lines = <-linesDone:
			case <-time.After(5 * time.Second):
				_ = c.Process.Kill()
				<-linesDone
				_ = c.Wait()
				t.Fatal("pardemo did not end within 5s of SIGINT (its grace period is 1s)")
			}
			err = c.Wait()
			if d := time.Since(sent); d > 5*time.Second {
				t.Errorf("pardemo took %s to exit after SIGINT, want under 5s (the grace period is 1s)", d)
			}
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			if code := c.ProcessState.ExitCode(); code != cmd.ExitInterrupted {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, cmd.ExitInterrupted, stderr.String())
			}
			if got := stderr.String(); got != "pardemo: interrupted\n" {
				t.Errorf("stderr %q, want %q", got, "pardemo: interrupted\n")
			}
			if mode == "json" {
				out := strings.Join(lines, "\n") + "\n"
				parsed, err := parseLines([]byte(out))
				if err != nil {
					t.Fatal(err)
				}
				// Every line before the error line is an event; the error
				// line is last: nothing may be printed after it.
				if err := checkErrorLast(parsed, cmd.ExitInterrupted); err != nil {
					t.Errorf("%v\nlast lines:\n%s", err, strings.Join(lines[max(0, len(lines)-3):], "\n"))
				}
				for i, l := range parsed[:len(parsed)-1] {
					if l.typ() != "event" {
						t.Errorf("line %d: want an event before the error line, got %s", i+1, show(l))
					} else if err := checkEvent(l); err != nil {
						t.Errorf("line %d: %v", i+1, err)
					}
				}
			}
		})
	}
}
