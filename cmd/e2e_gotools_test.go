package cmd_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
)

// goTool runs `go tool ARGS` and returns its combined output.
func goTool(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", append([]string{"tool"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// goHome is HOME=the user's, for a pardemo that runs the go command: the
// go command's telemetry writes under HOME's config directory, at times
// from a short-lived process of its own, which a test's temporary HOME
// would see as a leftover (and could not remove while it writes).
func goHome(t *testing.T) string {
	t.Helper()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no home directory: %v", err)
	}
	return "HOME=" + home
}

func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH: go tool trace and go tool pprof are needed")
	}
}

// TestTraceAndProfileOpen: a run with --trace and --cpuprofile writes
// files that `go tool trace` and `go tool pprof` read, non-interactively:
// the trace's parsed events (go tool trace -d=parsed, the only
// non-interactive listing of tasks and logs it has) hold the run's task
// and one task per actor, with the events logged under them; the
// profile's top functions include the prime test's kernel.
func TestTraceAndProfileOpen(t *testing.T) {
	needGo(t)
	dir := t.TempDir()
	tr, prof := filepath.Join(dir, "run.trace"), filepath.Join(dir, "cpu.pprof")
	r := runPardemo(t, nil, "pool", "primes", "--run-as", "goroutines", "--repeat", "20", "--workers", "2", "--trace", tr, "--cpuprofile", prof)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"go tool trace " + tr, "go tool pprof -top " + prof, "not its child processes"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	parsed := goTool(t, "trace", "-d=parsed", tr)
	for _, want := range []string{
		`TaskBegin`, `Type="pardemo pool primes"`, `Type="actor main"`, `Type="actor worker-1"`, `Type="actor worker-2"`,
		`TaskEnd`, `Category="verdict"`,
	} {
		if !strings.Contains(parsed, want) {
			t.Errorf("go tool trace -d=parsed: no %s", want)
		}
	}
	// Every task that began ended (End ran on the success path).
	if b, e := strings.Count(parsed, " TaskBegin "), strings.Count(parsed, " TaskEnd "); b == 0 || b != e {
		t.Errorf("%d tasks began, %d ended", b, e)
	}
	// The scheduler-latency profile, one of the trace's own views, opens too.
	goTool(t, "trace", "-pprof=sched", tr)

	top := goTool(t, "pprof", "-top", prof)
	if !strings.Contains(top, "poolprimes.SmallestFactor") {
		t.Errorf("go tool pprof -top does not name the kernel:\n%s", top)
	}
	list := goTool(t, "pprof", "-list", "poolprimes.SmallestFactor", prof)
	if !strings.Contains(list, "u%d == 0") {
		t.Errorf("go tool pprof -list does not show the hot line:\n%s", list)
	}
}

// TestToolsRefusals: bad files and commands that run many scenarios or
// trials are usage errors, one line, before anything runs.
func TestToolsRefusals(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"race", "--count", "1000", "--trace", filepath.Join(dir, "no", "such", "dir", "t.out")},
		{"race", "--count", "1000", "--cpuprofile", dir},
		{"race", "--count", "1000", "--trace", f, "--cpuprofile", f},
		{"race", "--count", "1000", "--trace", "-"},
		{"run-all", "--only", "race", "--trace", f},
		{"verify", "race", "--cpuprofile", f},
		{"barrier", "--trials", "2", "--trace", f},
		{"pool", "primes", "--workers", "1,2", "--cpuprofile", f},
	} {
		r := runPardemo(t, nil, args...)
		if r.code != cmd.ExitUsage || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q: want exit 2 and one line", args, r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%q: the file was created by a refused command", args)
			_ = os.Remove(f)
		}
	}
	// A scenario's own knob called trials is part of its one run.
	r := runPardemo(t, nil, "race", "--count", "1000", "--trials", "2", "--speed", "1000", "--cpuprofile", f)
	if r.code != 0 {
		t.Errorf("race --trials 2 --cpuprofile: exit %d, %s", r.code, r.stderr)
	}
}

// TestTraceSurvivesCtrlC: a run stopped by Ctrl-C still leaves a complete
// trace and profile.
func TestTraceSurvivesCtrlC(t *testing.T) {
	needGo(t)
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	dir := t.TempDir()
	tr, prof, out := filepath.Join(dir, "run.trace"), filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "stdout")
	stdout, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// At --speed 0.1 race pauses 50 s before counting: plenty of time.
	c := pardemoCmd(t, ctx, "race", "--speed", "0.1", "--trace", tr, "--cpuprofile", prof)
	c.Stdout = stdout
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(out); strings.Contains(string(b), "start line") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("race never started")
		}
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()
	if code := c.ProcessState.ExitCode(); code != cmd.ExitInterrupted {
		t.Fatalf("exit %d, want %d", code, cmd.ExitInterrupted)
	}
	parsed := goTool(t, "trace", "-d=parsed", tr)
	if !strings.Contains(parsed, `Type="actor main"`) || !strings.Contains(parsed, `Category="failed"`) {
		t.Errorf("the interrupted run's trace lacks its actor or its failure")
	}
	goTool(t, "pprof", "-top", prof)
}

// TestRaceDetectorLesson runs `pardemo race --plain --detector` for real
// (a fresh pardemo cache, the user's Go build cache) and checks the
// explained report. It needs the go command and a C compiler.
func TestRaceDetectorLesson(t *testing.T) {
	needGo(t)
	if testing.Short() {
		t.Skip("builds a program with -race")
	}
	env, err := exec.Command("go", "env", "GOCACHE", "CGO_ENABLED").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(env))
	if len(lines) != 2 || lines[1] != "1" {
		t.Skip("cgo is off (no C compiler): go build -race cannot work here")
	}
	cache, tmp := t.TempDir(), t.TempDir()
	r := runPardemoEnv(t, []string{"GOCACHE=" + lines[0], "XDG_CACHE_HOME=" + cache, "TMPDIR=" + tmp, goHome(t)}, "race", "--plain", "--detector", "--count", "1000", "--speed", "100")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"WARNING: DATA RACE", "racy.go:", "counter = counter + 1", "counter = counter - 1",
		"exited with status 66", "happens before", "lesson shown: the race detector caught the data race",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in:\n%s", want, r.stdout)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("the build left files in TMPDIR: %v", left)
	}
}

// TestRaceDetectorNeeds: without the go command, or with cgo off, the
// lesson says what it needs in one line and exits 1.
func TestRaceDetectorNeeds(t *testing.T) {
	empty := t.TempDir()
	r := runPardemoEnv(t, []string{"PATH=" + empty, goHome(t)}, "race", "--plain", "--detector", "--speed", "100")
	if r.code != cmd.ExitRuntime || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "needs the Go toolchain") {
		t.Errorf("no go: exit %d, stderr %q", r.code, r.stderr)
	}
	needGo(t)
	r = runPardemoEnv(t, []string{"CGO_ENABLED=0", "XDG_CACHE_HOME=" + t.TempDir(), goHome(t)}, "race", "--plain", "--detector", "--speed", "100")
	if runtime.GOOS == "darwin" {
		return // -race needs no cgo there
	}
	if r.code != cmd.ExitRuntime || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "C compiler") {
		t.Errorf("cgo off: exit %d, stderr %q", r.code, r.stderr)
	}
}
