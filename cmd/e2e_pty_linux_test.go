package cmd_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/pardemo/pardemo/cmd"
)

// openPTY opens a pseudo-terminal of cols × rows: the controller, and the
// terminal side a child process writes to.
func openPTY(t *testing.T, cols, rows uint16) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pts: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(pts.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: cols, Row: rows}); err != nil {
		t.Fatalf("set size: %v", err)
	}
	return ptm, pts
}

// ptyRun runs pardemo with stdout and stderr on a terminal of cols
// columns and returns what the terminal showed, line by line: escapes
// removed, and a line redrawn after a carriage return (a progress bar)
// counted as what it ended as.
func ptyRun(t *testing.T, cols uint16, args ...string) (lines []string, wall time.Duration, code int) {
	t.Helper()
	ptm, pts := openPTY(t, cols, 40)
	defer ptm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := pardemoCmd(t, ctx, args...)
	c.Env = append(c.Env, "TERM=xterm-256color")
	c.Stdout, c.Stderr = pts, pts
	var raw bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(&raw, ptm) // ends with EIO once the terminal side is closed everywhere
	}()
	start := time.Now()
	err := c.Start()
	pts.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = c.Wait()
	wall = time.Since(start)
	<-done
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("pardemo %q: %v", args, err)
	}
	return screenLines(raw.String()), wall, c.ProcessState.ExitCode()
}

var csi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]")

func screenLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.LastIndexByte(l, '\r'); i >= 0 {
			l = l[i+1:]
		}
		out = append(out, csi.ReplaceAllString(l, ""))
	}
	return out
}

// TestEveryScenarioFits80Columns is issue 13's "done means": on a terminal
// 80 columns wide, every line of every registered scenario's default run
// fits. It also reports each run's pace (1–6 s at the default speed, at
// most about 60 lines), the figures of the pacing rule.
func TestEveryScenarioFits80Columns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario at its default pace")
	}
	for _, d := range cmd.Registry() {
		t.Run(strings.ReplaceAll(d.Name, " ", "_"), func(t *testing.T) {
			lines, wall, code := ptyRun(t, 80, strings.Fields(d.Name)...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, strings.Join(lines, "\n"))
			}
			n := 0
			for _, l := range lines {
				if w := utf8.RuneCountInString(l); w > 80 {
					t.Errorf("a line of %d columns: %q", w, l)
				}
				if strings.TrimSpace(l) != "" {
					n++
				}
			}
			t.Logf("pace: %s took %.1fs, %d lines", d.Name, wall.Seconds(), n)
		})
	}
}

// The run-all summary fits one 80 × 40 screen.
func TestRunAllSummaryFitsOneScreen(t *testing.T) {
	lines, _, code := ptyRun(t, 80, "--speed", "1000", "run-all")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, strings.Join(lines, "\n"))
	}
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "run-all summary") {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("no summary:\n%s", strings.Join(lines, "\n"))
	}
	summary := lines[at:]
	for len(summary) > 0 && strings.TrimSpace(summary[len(summary)-1]) == "" {
		summary = summary[:len(summary)-1]
	}
	if len(summary) > 39 {
		t.Errorf("the summary takes %d rows of a 40-row screen:\n%s", len(summary), strings.Join(summary, "\n"))
	}
	for _, l := range summary {
		if utf8.RuneCountInString(l) > 80 {
			t.Errorf("a summary line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
}
