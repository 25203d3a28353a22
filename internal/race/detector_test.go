package race

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// testdata/race_report.txt is the stderr of the racy program (racy/racy.go
// as it is now), built with 'go build -race -trimpath' and run with
// GORACE=atexit_sleep_ms=0 and a count of 1000. After editing racy.go,
// capture it again: its line numbers must match the source.

func TestRacyLinesAreTheCounter(t *testing.T) {
	lines := RacyLines()
	if len(lines) != 2 {
		t.Fatalf("racy.go marks %d lines %q, want the adder's and the subtractor's", len(lines), racyMarker)
	}
	for i, want := range []string{"counter = counter + 1", "counter = counter - 1"} {
		if got := SourceLine(lines[i]); got != want {
			t.Errorf("line %d is %q, want %q", lines[i], got, want)
		}
	}
}

func TestParseRealReport(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "race_report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rep := ParseReport(string(data))
	if rep.Found != 1 || len(rep.Races) != 1 {
		t.Fatalf("found %d, %d race block(s), want 1 and 1", rep.Found, len(rep.Races))
	}
	d, ok := rep.OnLines(RacyFile, RacyLines())
	if !ok {
		t.Fatalf("the report does not name the counter's lines %v: %+v", RacyLines(), rep.Races[0])
	}
	now, prev := d.Accesses[0], d.Accesses[1]
	if now.Previous || !prev.Previous || now.Op != "read" || prev.Op != "write" {
		t.Errorf("accesses %+v, %+v: want a read, then the previous write", now, prev)
	}
	if now.Goroutine == prev.Goroutine || now.Goroutine == 0 || prev.Goroutine == 0 {
		t.Errorf("goroutines %d and %d: want two different, non-main ones", now.Goroutine, prev.Goroutine)
	}
	if now.At().Func != "main.adder" || prev.At().Func != "main.subtractor" || now.At().Line != RacyLines()[0] || prev.At().Line != RacyLines()[1] {
		t.Errorf("frames %+v and %+v", now.At(), prev.At())
	}
	for _, g := range []int{now.Goroutine, prev.Goroutine} {
		if c := d.Created[g]; c.Func != "main.main" || c.File != RacyFile || c.Line == 0 {
			t.Errorf("goroutine %d created at %+v, want main.main in %s", g, c, RacyFile)
		}
		if d.Status[g] == "" {
			t.Errorf("goroutine %d has no status", g)
		}
	}
	if !strings.HasPrefix(d.Text, "WARNING: DATA RACE\n") || !strings.Contains(d.Text, "Previous write at") {
		t.Errorf("block text:\n%s", d.Text)
	}
}

func TestParseReportWithoutTheRace(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "no_race.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rep := ParseReport(string(data))
	if len(rep.Races) != 0 || rep.Found != 0 {
		t.Fatalf("a run without a race parsed as %+v", rep)
	}
	if _, ok := rep.OnLines(RacyFile, RacyLines()); ok {
		t.Fatal("OnLines found the race in a report without one")
	}
	// The real report, but the race elsewhere: it must not count.
	real, err := os.ReadFile(filepath.Join("testdata", "race_report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ParseReport(string(real)).OnLines(RacyFile, []int{1, 2}); ok {
		t.Fatal("OnLines matched lines the report does not name")
	}
	if _, ok := ParseReport(string(real)).OnLines("other.go", RacyLines()); ok {
		t.Fatal("OnLines matched another file")
	}
}

// TestDetectorFindsTheRace builds the racy program with -race (into a
// fresh cache; the Go build cache keeps it quick after the first time),
// runs it, and parses the report. It needs the go command and a C compiler.
func TestDetectorFindsTheRace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with -race")
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("a private cache directory needs XDG_CACHE_HOME (os.UserCacheDir)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout+RunTimeout)
	defer cancel()
	tc, err := FindToolchain(ctx)
	if errors.Is(err, ErrNoToolchain) || errors.Is(err, ErrNoCompiler) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The Go build cache stays the user's (it defaults to one under the
	// cache directory this test replaces): only pardemo's cache is fresh.
	gocache, err := exec.CommandContext(ctx, tc.Go, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	beats := 0
	b, err := Build(ctx, tc, func() { beats++ })
	if err != nil {
		t.Fatal(err)
	}
	defer b.Remove()
	if b.Cached || b.Dir == "" || !strings.HasPrefix(b.Path, tmp) {
		t.Fatalf("first build: %+v, want a fresh build in the cache under %s", b, tmp)
	}
	if b.Took > time.Second && beats == 0 {
		t.Errorf("a build of %v beat the watchdog 0 times", b.Took)
	}
	var pid int
	r, err := RunRacy(ctx, b.Path, 1000, func(p int) { pid = p })
	if err != nil {
		t.Fatal(err)
	}
	if r.Exit != DetectorExit || pid == 0 || r.Pid != pid {
		t.Errorf("exit %d, pid %d/%d: want exit %d and the pid reported", r.Exit, pid, r.Pid, DetectorExit)
	}
	if !strings.HasPrefix(r.Stdout, "counter = ") {
		t.Errorf("stdout %q", r.Stdout)
	}
	if _, ok := ParseReport(r.Stderr).OnLines(RacyFile, RacyLines()); !ok {
		t.Errorf("the report does not name the counter's lines %v:\n%s", RacyLines(), r.Stderr)
	}
	again, err := Build(ctx, tc, nil)
	if err != nil || !again.Cached || again.Path != b.Path {
		t.Errorf("second build: %+v, %v: want the cached binary", again, err)
	}
	// The build's temporary directory is gone; only the cache is left.
	left, _ := os.ReadDir(tmp)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"cache"}) {
		t.Errorf("left in the temporary directory: %v", names)
	}
}
