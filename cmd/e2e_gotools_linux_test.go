package cmd_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
)

// TestRaceDetectorCtrlCDuringBuild: Ctrl-C while `go build -race` runs
// (a cold build cache keeps it busy for many seconds) ends the go command
// and every compiler it started, removes the temporary build directory,
// caches nothing, and exits 130.
func TestRaceDetectorCtrlCDuringBuild(t *testing.T) {
	needGo(t)
	if testing.Short() {
		t.Skip("starts a -race build")
	}
	if out, err := exec.Command("go", "env", "CGO_ENABLED").Output(); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Skip("cgo is off (no C compiler): go build -race cannot work here")
	}
	gocache, cache, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	out := filepath.Join(t.TempDir(), "stdout")
	stdout, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tag := fmt.Sprintf("PARDEMO_E2E_TAG=%d-detector-build", os.Getpid())
	c := pardemoCmd(t, ctx, "race", "--plain", "--detector")
	c.Env = append(c.Env, "GOCACHE="+gocache, "XDG_CACHE_HOME="+cache, "TMPDIR="+tmp, tag, goHome(t))
	c.Stdout = stdout
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(out); strings.Contains(string(b), "looking for racy.go") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the build never started")
		}
	}
	time.Sleep(time.Second) // the go command is compiling by now
	if len(tagged(t, tag)) < 2 {
		t.Logf("note: fewer processes than expected under the build: %v", tagged(t, tag))
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()
	if code := c.ProcessState.ExitCode(); code != cmd.ExitInterrupted {
		b, _ := os.ReadFile(out)
		t.Fatalf("exit %d, want %d\n%s", code, cmd.ExitInterrupted, b)
	}
	assertNoneLeft(t, tag, nil)
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(cache, "pardemo", "race", "*", "*")); len(left) > 0 {
		t.Errorf("an interrupted build was cached: %v", left)
	}
}
