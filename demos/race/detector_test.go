package race_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/race"
	irace "github.com/pardemo/pardemo/internal/race"
)

func TestDetectorKnobs(t *testing.T) {
	for _, knobs := range [][]string{
		{"detector"},
		{"detector", "lock"},
		{"plain", "detector", "workers=3"},
		{"plain", "detector", "window=spin"},
		{"plain", "detector", "trials=2"},
	} {
		if err := demotest.CheckErr(t, race.New(), knobs...); err == nil {
			t.Errorf("%q accepted", knobs)
		}
	}
	if err := demotest.CheckErr(t, race.New(), "plain", "detector", "count=1000"); err != nil {
		t.Errorf("--plain --detector refused: %v", err)
	}
}

// TestDetectorLesson runs the lesson for real: build (into a fresh cache)
// or reuse the -race binary, run it, explain the report. It needs the go
// command and a C compiler.
func TestDetectorLesson(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with -race")
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("a private cache directory needs XDG_CACHE_HOME (os.UserCacheDir)")
	}
	tc, err := irace.FindToolchain(context.Background())
	if errors.Is(err, irace.ErrNoToolchain) || errors.Is(err, irace.ErrNoCompiler) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	gocache, err := exec.Command(tc.Go, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	for i, wantBuilt := range []bool{true, false} {
		res, c := demotest.MustRun(t, race.New(), 1000, "plain", "detector", "count=1000")
		m := demotest.Metrics[race.Metrics](t, res)
		if !res.Observed || m.Detector == nil {
			t.Fatalf("run %d: %+v", i+1, res)
		}
		d := m.Detector
		if d.Built != wantBuilt || d.ExitCode != 66 || !d.OnCounter || len(d.Accesses) != 2 || d.Pid == 0 {
			t.Errorf("run %d: detector metrics %+v", i+1, d)
		}
		for _, a := range d.Accesses {
			if a.Line != irace.RacyLines()[0] && a.Line != irace.RacyLines()[1] {
				t.Errorf("access at line %d, not the counter's %v", a.Line, irace.RacyLines())
			}
		}
		if m.Mode != "plain" || m.Workers != 2 || m.Count != 1000 || len(m.Finals) != 1 || m.Finals[0] != m.Observed {
			t.Errorf("side %+v", m.Side)
		}
		if !strings.Contains(res.Verdict, "racy.go:") || !strings.Contains(res.Verdict, "exit status 66") {
			t.Errorf("verdict %q", res.Verdict)
		}
		if demotest.Index(c, "main", "WARNING: DATA RACE") < 0 {
			t.Errorf("no event quotes the report:\n%s", strings.Join(demotest.Messages(c), "\n"))
		}
		if len(res.Tables) != 1 || len(res.Tables[0].Rows) < 8 {
			t.Errorf("the report table: %+v", res.Tables)
		}
	}
}
