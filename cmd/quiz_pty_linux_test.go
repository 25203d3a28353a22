package cmd_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer one goroutine fills while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// quizOnPTY runs pardemo with stdin, stdout and stderr on a terminal, and
// types each key once the screen shows the text before it (in order).
func quizOnPTY(t *testing.T, script []struct{ after, key string }, args ...string) (string, int) {
	t.Helper()
	ptm, pts := openPTY(t, 80, 40)
	defer ptm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := pardemoCmd(t, ctx, args...)
	c.Env = append(c.Env, "TERM=xterm-256color")
	c.Stdin, c.Stdout, c.Stderr = pts, pts, pts
	var screen syncBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(&screen, ptm)
	}()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	seen := 0
	for _, step := range script {
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen.String()
			if i := strings.Index(s[seen:], step.after); i >= 0 {
				seen += i + len(step.after)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited for %q; the screen shows:\n%s", step.after, s)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := ptm.Write([]byte(step.key)); err != nil {
			t.Fatal(err)
		}
	}
	err := c.Wait()
	<-done
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("pardemo %q: %v", args, err)
	}
	return strings.Join(screenLines(screen.String()), "\n"), c.ProcessState.ExitCode()
}

// On a terminal each answer is one key (no Enter), a key that is no
// choice asks again, and Ctrl-C while asking exits 130 without running.
func TestQuizKeysOnATerminal(t *testing.T) {
	args := []string{"--speed", "1000", "race", "--quiz", "--lock", "--count", "20000"}
	prompt := "your answer (a–c): "
	screen, code := quizOnPTY(t, []struct{ after, key string }{{prompt, "x"}, {prompt, "a"}}, args...)
	if code != 0 || !strings.Contains(screen, "(type one letter, a–c)") || !strings.Contains(screen, "quiz: 1 of 1 right") {
		t.Errorf("exit %d:\n%s", code, screen)
	}
	screen, code = quizOnPTY(t, []struct{ after, key string }{{prompt, "\x03"}}, args...)
	if code != 130 || strings.Contains(screen, "━━ race") || !strings.Contains(screen, "pardemo: interrupted") {
		t.Errorf("Ctrl-C: exit %d:\n%s", code, screen)
	}
}

// run-all --quiz on a terminal: a key per question at each title card,
// a pause after each reveal (Enter goes on), the score in the summary.
func TestRunAllQuizOnATerminal(t *testing.T) {
	prompt := "your answer (a–"
	screen, code := quizOnPTY(t, []struct{ after, key string }{
		{"quiz · thread join · 2 questions", ""}, {prompt, "b"}, {prompt, "b"},
		{"Enter: race", "\r"}, {"quiz · race · 1 question", ""}, {prompt, "a"},
	}, "--speed", "1000", "run-all", "--quiz", "--only", "race,thread join")
	if code != 0 || !strings.Contains(screen, "quiz score: ") || !strings.Contains(screen, " of 3 right") {
		t.Errorf("exit %d:\n%s", code, screen)
	}
}
