package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ui"
)

// pardemoPath is the test binary's copy that testscript.Main put on PATH
// under the name "pardemo": started as a subprocess, it runs cmd.Main.
var pardemoPath = sync.OnceValues(func() (string, error) { return exec.LookPath("pardemo") })

// pardemoCmd prepares the real binary with args and a clean colour
// environment; stdin is empty (not a terminal).
func pardemoCmd(t *testing.T, ctx context.Context, args ...string) *exec.Cmd {
	t.Helper()
	path, err := pardemoPath()
	if err != nil {
		t.Fatalf("pardemo is not on PATH (TestMain should have put it there): %v", err)
	}
	c := exec.CommandContext(ctx, path, args...)
	c.Env = append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "NO_COLOR=") || strings.HasPrefix(kv, "TERM=") ||
			strings.HasPrefix(kv, "FORCE_COLOR=") || strings.HasPrefix(kv, "CLICOLOR_FORCE=")
	}), "HOME="+t.TempDir())
	c.WaitDelay = 5 * time.Second
	return c
}

type procResult struct {
	stdout, stderr string
	code           int
}

// runPardemo runs the real binary to completion.
func runPardemo(t *testing.T, stdout *os.File, args ...string) procResult {
	t.Helper()
	return runPardemoWith(t, stdout, nil, args...)
}

// runPardemoEnv runs the real binary to completion with extra environment.
func runPardemoEnv(t *testing.T, env []string, args ...string) procResult {
	t.Helper()
	return runPardemoWith(t, nil, env, args...)
}

func runPardemoWith(t *testing.T, stdout *os.File, env []string, args ...string) procResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := pardemoCmd(t, ctx, args...)
	c.Env = append(c.Env, env...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if stdout != nil {
		c.Stdout = stdout
	}
	err := c.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("pardemo %q: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("pardemo %q: did not finish in time", args)
	}
	return procResult{out.String(), errb.String(), c.ProcessState.ExitCode()}
}

// TestExitCodes runs the real binary and checks exit codes, and that a
// usage error is exactly one line on stderr.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"list"}, cmd.ExitOK},
		{[]string{"--version"}, cmd.ExitOK},
		{[]string{"--help"}, cmd.ExitOK},
		{[]string{"explain", "race"}, cmd.ExitOK},
		{[]string{"race", "--speed", "1000", "--count", "1000"}, cmd.ExitOK},
		{[]string{"--json", "barrier", "--speed", "1000"}, cmd.ExitOK},

		{[]string{"race", "--count", "-1"}, cmd.ExitUsage},
		{[]string{"race", "--workers", "abc"}, cmd.ExitUsage},
		{[]string{"--speed", "0", "race"}, cmd.ExitUsage},
		// --speed is a number from 0.1 to 100000: NaN, Inf and values that
		// would make a run last hours (or overflow to "done at once") are refused.
		{[]string{"--speed", "NaN", "race"}, cmd.ExitUsage},
		{[]string{"--speed", "Inf", "race"}, cmd.ExitUsage},
		{[]string{"--speed", "-Inf", "race"}, cmd.ExitUsage},
		{[]string{"--speed", "-1", "race"}, cmd.ExitUsage},
		{[]string{"--speed", "0.001", "race"}, cmd.ExitUsage},
		{[]string{"--speed", "1e-20", "tickets"}, cmd.ExitUsage},
		{[]string{"--speed", "1e6", "race"}, cmd.ExitUsage},
		{[]string{"--json", "--speed", "NaN", "race"}, cmd.ExitUsage},
		{[]string{"nosuch"}, cmd.ExitUsage},
		{[]string{"rase"}, cmd.ExitUsage},
		{[]string{"race", "--lock", "--protect", "atomic"}, cmd.ExitUsage},
		{[]string{"race", "--protect", "bogus"}, cmd.ExitUsage},
		{[]string{"traffic-light", "--cars", "0"}, cmd.ExitUsage},
		{[]string{"explain"}, cmd.ExitUsage},
		{[]string{"explain", "nosuch"}, cmd.ExitUsage},
		{[]string{"race", "extra-arg"}, cmd.ExitUsage},
		// Usage errors are typed where they arise, cobra's own argument
		// checks included.
		{[]string{"list", "extra-arg"}, cmd.ExitUsage},
		{[]string{"run-all", "extra-arg"}, cmd.ExitUsage},
		{[]string{"help", "nosuch"}, cmd.ExitUsage},
		{[]string{"gen-docs"}, cmd.ExitUsage},
		{[]string{"--color", "sometimes", "race"}, cmd.ExitUsage},
		{[]string{"--watchdog", "1ms", "race"}, cmd.ExitUsage},
		{[]string{"race", "--nosuchflag"}, cmd.ExitUsage},
		{[]string{"--json", "nosuch"}, cmd.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runPardemo(t, nil, tt.args...)
			if r.code != tt.want {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.want, r.stdout, r.stderr)
			}
			if tt.want == cmd.ExitOK {
				if r.stderr != "" {
					t.Errorf("stderr not empty:\n%s", r.stderr)
				}
				return
			}
			if n := strings.Count(r.stderr, "\n"); n != 1 || !strings.HasSuffix(r.stderr, "\n") || !strings.HasPrefix(r.stderr, "pardemo: ") {
				t.Errorf("stderr is not one line starting with %q:\n%s", "pardemo: ", r.stderr)
			}
			for _, bad := range []string{"goroutine", "panic", "Usage:"} {
				if strings.Contains(r.stderr, bad) {
					t.Errorf("stderr mentions %q:\n%s", bad, r.stderr)
				}
			}
			if slices.Contains(tt.args, "--json") {
				lines, err := parseLines([]byte(r.stdout))
				if err != nil {
					t.Fatal(err)
				}
				if len(lines) != 1 {
					t.Errorf("want exactly one JSON error line on stdout, got:\n%s", r.stdout)
				}
				if err := checkErrorLast(lines, tt.want); err != nil {
					t.Error(err)
				}
			} else if r.stdout != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
		})
	}
}

// TestExitCodeRuntimeError: a failed write to stdout (here, a full disk)
// is a runtime error whatever the command: exit code 1 and one line on
// stderr, never a silent exit 0 or a usage error.
func TestExitCodeRuntimeError(t *testing.T) {
	for _, args := range [][]string{
		{"--json", "list"},
		{"list"},
		{"--version"},
		{"--help"},
		{"race", "--help"},
		{"explain", "race"},
		{"source", "race"},
		{"--json", "--speed", "1000", "race", "--count", "1000"},
		{"--speed", "1000", "race", "--count", "1000"},
		{"--json", "--speed", "1000", "tickets"},
		{"--json", "--speed", "1000", "pool", "primes", "--run-as", "processes", "--numbers", "1099726899285419,2", "--workers", "2"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skipf("no /dev/full to provoke a write error: %v", err)
			}
			defer full.Close()
			r := runPardemo(t, full, args...)
			if r.code != cmd.ExitRuntime {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", r.code, cmd.ExitRuntime, r.stderr)
			}
			if want := "pardemo: cannot write output: "; !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr is not one %q line:\n%s", want, r.stderr)
			}
		})
	}
}

// failingWriter refuses every write, like a full disk.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// The same through cmd.Run, with a writer that fails: exit 1, one line.
func TestWriteErrorInProcess(t *testing.T) {
	for _, args := range [][]string{
		{"--version"},
		{"--json", "--speed", "1000", "race", "--count", "1000"},
		{"--speed", "1000", "race", "--count", "1000"},
		{"--json", "run-all"}, // minutes at speed 10, unless it stops at the first lost line
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			streams, _, errb := ui.Test()
			streams.Out = failingWriter{}
			start := time.Now()
			code := cmd.Run(ctx, args, streams, repoFS)
			if code != cmd.ExitRuntime {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, cmd.ExitRuntime, errb)
			}
			if got, want := errb.String(), "pardemo: cannot write output: disk full\n"; got != want {
				t.Errorf("stderr %q, want %q", got, want)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s: the run went on after its output failed", took)
			}
		})
	}
}

// runInProcess runs one command line through cmd.Run with test streams.
func runInProcess(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	streams, out, errb := ui.Test()
	code = cmd.Run(ctx, args, streams, repoFS)
	return out.String(), errb.String(), code
}

// smallKnobs keeps each scenario short in the in-process tests.
var smallKnobs = map[string][]string{
	"race":              {"--count", "1000"},
	"traffic-light":     {"--cars", "3"},
	"producer-consumer": {"--items", "20"},
}

func findDemo(name string) (demos.Demo, bool) {
	for _, d := range cmd.Registry() {
		if d.Name == name {
			return d, true
		}
	}
	return demos.Demo{}, false
}

// TestResultShape runs every registered scenario with --json through
// cmd.Run and checks every line: events, then a result carrying all of the
// scenario's declared metrics.
func TestResultShape(t *testing.T) {
	for _, d := range cmd.Registry() {
		t.Run(d.Name, func(t *testing.T) {
			args := append([]string{"--json", "--speed", "2000", "--seed", "42"}, strings.Fields(d.Name)...)
			args = append(args, smallKnobs[d.Name]...)
			out, errOut, code := runInProcess(t, args...)
			if code != cmd.ExitOK {
				t.Fatalf("exit code %d; stderr: %s\nstdout:\n%s", code, errOut, out)
			}
			if errOut != "" {
				t.Errorf("stderr not empty: %s", errOut)
			}
			lines, err := parseLines([]byte(out))
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) < 2 {
				t.Fatalf("want events and a result, got:\n%s", out)
			}
			if err := checkRun(lines, d.Name); err != nil {
				t.Fatal(err)
			}
			var res ui.ResultLine
			if err := json.Unmarshal([]byte(lastLine(out)), &res); err != nil {
				t.Fatal(err)
			}
			if res.Seed != 42 || res.Speed != 2000 {
				t.Errorf("seed %d speed %v, want 42 and 2000", res.Seed, res.Speed)
			}
			// The invariants that hold however the goroutines are scheduled.
			m, _ := res.Metrics.(map[string]any)
			switch d.Name {
			case "traffic-light":
				if m["crossed_on_red"] != 0.0 || m["crossed"] != m["cars"] || m["cars"] != 3.0 {
					t.Errorf("traffic-light: want 3 cars, 3 crossed, 0 on red: %v", m)
				}
			case "producer-consumer":
				// At 2000× the story's timings are noise, so whether the
				// queue filled (the lesson) is not an invariant here; the
				// package's tests check it at the default speed.
				if m["produced"] != 20.0 || m["consumed"] != 20.0 || m["items"] != 20.0 {
					t.Errorf("producer-consumer: want 20 produced and consumed: %v", m)
				}
			}
		})
	}
}

// TestProtectedCountersLoseNothing: with a mutex, an atomic add or a
// channel owner, no update is ever lost, under any schedule.
func TestProtectedCountersLoseNothing(t *testing.T) {
	for _, mode := range [][]string{{"--lock"}, {"--protect", "mutex"}, {"--protect", "atomic"}, {"--protect", "channel"}} {
		t.Run(strings.Join(mode, " "), func(t *testing.T) {
			args := append([]string{"race", "--json", "--speed", "1000", "--workers", "4", "--count", "5000"}, mode...)
			out, errOut, code := runInProcess(t, args...)
			if code != cmd.ExitOK {
				t.Fatalf("exit code %d; stderr: %s", code, errOut)
			}
			var res ui.ResultLine
			if err := json.Unmarshal([]byte(lastLine(out)), &res); err != nil {
				t.Fatal(err)
			}
			m, _ := res.Metrics.(map[string]any)
			if m["lost_updates"] != 0.0 || m["observed"] != 20000.0 || !res.LessonObserved {
				t.Errorf("want 20000 counted, 0 lost, lesson observed; got %v (%s)", res.Metrics, res.Verdict)
			}
		})
	}
}

// TestListJSONMatchesRegistry: list --json says exactly what the registry holds.
func TestListJSONMatchesRegistry(t *testing.T) {
	out, errOut, code := runInProcess(t, "list", "--json")
	if code != cmd.ExitOK || errOut != "" {
		t.Fatalf("exit code %d, stderr %q", code, errOut)
	}
	type param struct {
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		Usage   string   `json:"usage"`
		Default string   `json:"default"`
		Min     any      `json:"min"`
		Max     any      `json:"max"`
		Choices []string `json:"choices"`
	}
	type demoLine struct {
		Type         string   `json:"type"`
		Name         string   `json:"name"`
		ID           string   `json:"id"`
		Chapter      int      `json:"chapter"`
		ChapterTitle string   `json:"chapter_title"`
		Lesson       string   `json:"lesson"`
		Python       string   `json:"python"`
		Go           string   `json:"go"`
		Params       []param  `json:"params"`
		Metrics      []string `json:"metrics"`
	}
	var got []demoLine
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	for dec.More() {
		var l demoLine
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("decoding list --json: %v\n%s", err, out)
		}
		got = append(got, l)
	}
	var want []demoLine
	for _, d := range cmd.Registry() {
		w := demoLine{Type: "demo", Name: d.Name, ID: d.ID, Chapter: d.Chapter, ChapterTitle: d.ChapterTitle,
			Lesson: d.Title, Python: d.Python, Go: d.Go, Params: []param{}, Metrics: jsonKeys(d.Metrics)}
		for _, p := range d.Params() {
			kind := map[demos.ParamKind]string{demos.IntKind: "int", demos.BoolKind: "bool", demos.ChoiceKind: "string",
				demos.Int64ListKind: "numbers", demos.PathKind: "path", demos.FloatKind: "float"}[p.Kind]
			wp := param{Name: p.Name, Type: kind, Usage: p.Usage, Default: p.Default, Choices: p.Choices}
			switch p.Kind {
			case demos.IntKind, demos.Int64ListKind:
				wp.Min, wp.Max = float64(p.Min), float64(p.Max)
			case demos.FloatKind:
				wp.Min, wp.Max = p.FMin, p.FMax
			}
			w.Params = append(w.Params, wp)
		}
		want = append(want, w)
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		wj, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("list --json differs from the registry\ngot:\n%s\nwant:\n%s", gj, wj)
	}
}

// TestFlagsDoNotPersist: every run builds a fresh command tree, so a knob
// given to one run is gone in the next.
func TestFlagsDoNotPersist(t *testing.T) {
	mode := func(args ...string) string {
		t.Helper()
		out, errOut, code := runInProcess(t, args...)
		if code != cmd.ExitOK {
			t.Fatalf("%q: exit code %d; stderr: %s", args, code, errOut)
		}
		var res ui.ResultLine
		if err := json.Unmarshal([]byte(lastLine(out)), &res); err != nil {
			t.Fatal(err)
		}
		metrics, _ := res.Metrics.(map[string]any)
		m, _ := metrics["mode"].(string)
		return m
	}
	if got := mode("race", "--lock", "--json", "--speed", "1000", "--count", "1000"); got != "mutex" {
		t.Fatalf("race --lock: mode %q, want mutex", got)
	}
	if got := mode("race", "--json", "--speed", "1000", "--count", "1000"); got != "none" {
		t.Errorf("race after race --lock: mode %q, want none (a flag persisted)", got)
	}
	// The global --json does not persist either.
	out, _, code := runInProcess(t, "list")
	if code != cmd.ExitOK || strings.HasPrefix(out, "{") {
		t.Errorf("list after --json runs printed JSON (exit %d):\n%s", code, out)
	}
}

// TestColor checks the colour decision with a pretend terminal: auto colours
// a terminal unless NO_COLOR or TERM=dumb; always and never are absolute.
func TestColor(t *testing.T) {
	tests := []struct {
		name  string
		tty   bool
		env   map[string]string
		color string
		want  bool
	}{
		{"auto terminal", true, nil, "auto", true},
		{"auto not a terminal", false, nil, "auto", false},
		{"auto NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, "auto", false},
		{"auto TERM=dumb", true, map[string]string{"TERM": "dumb"}, "auto", false},
		{"always not a terminal", false, nil, "always", true},
		{"always NO_COLOR", false, map[string]string{"NO_COLOR": "1"}, "always", true},
		{"never terminal", true, nil, "never", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{{"list"}, {"race", "--speed", "1000", "--count", "1000"}} {
				streams, out, errb := ui.Test()
				streams.OutTTY = tt.tty
				streams.Env = func(k string) string { return tt.env[k] }
				code := cmd.Run(context.Background(), append([]string{"--color", tt.color}, args...), streams, repoFS)
				if code != cmd.ExitOK {
					t.Fatalf("%q: exit %d: %s", args, code, errb)
				}
				if got := strings.Contains(out.String(), "\x1b["); got != tt.want {
					t.Errorf("%q: ANSI escapes %v, want %v", args, got, tt.want)
				}
			}
		})
	}
}

// TestEveryDemoFolderRegistered: each folder under demos/ with Go files is
// a scenario, and must be in cmd.Registry(); each registered scenario's
// folder (the package of its options type) follows the naming rule.
func TestEveryDemoFolderRegistered(t *testing.T) {
	registered := map[string]bool{}
	for _, d := range cmd.Registry() {
		if want := demos.FolderFor(d.Name); d.Dir != want {
			t.Errorf("scenario %q lives in %s; the naming rule (DESIGN.md) puts it in %s", d.Name, d.Dir, want)
		}
		registered[d.Dir] = true
	}
	entries, err := os.ReadDir(filepath.Join("..", "demos"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "internal" || e.Name() == "testdata" {
			continue
		}
		files, err := filepath.Glob(filepath.Join("..", "demos", e.Name(), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(files, func(f string) bool { return !strings.HasSuffix(f, "_test.go") }) {
			continue
		}
		found++
		if !registered["demos/"+e.Name()] {
			t.Errorf("demos/%s is a scenario folder but is not registered in cmd.Chapters() (cmd/registry.go)", e.Name())
		}
	}
	if found == 0 {
		t.Fatal("found no scenario folders under ../demos")
	}
}

// Scenario IDs are unique across the catalogue.
func TestUniqueIDs(t *testing.T) {
	seen := map[string]string{}
	for _, d := range cmd.Registry() {
		if d.ID == "" {
			t.Errorf("scenario %q has no ID", d.Name)
		}
		if other, dup := seen[d.ID]; dup {
			t.Errorf("ID %s is used by both %q and %q", d.ID, other, d.Name)
		}
		seen[d.ID] = d.Name
	}
}

// jsonKeys lists the top-level JSON keys of a metrics struct type, with
// embedded structs flattened as encoding/json does; with required, only
// the keys without omitempty (those always present).
func jsonKeys(t reflect.Type, required ...bool) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			if len(required) > 0 && required[0] && f.Type.Kind() == reflect.Pointer {
				continue // a nil embedded pointer leaves its keys out
			}
			out = append(out, jsonKeys(f.Type, required...)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if len(required) > 0 && required[0] && strings.Contains(opts, "omitempty") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// Child roles are global to the binary: no two scenarios may claim one.
func TestChildRolesUnique(t *testing.T) {
	if _, err := demos.Roles(cmd.Registry()...); err != nil {
		t.Fatal(err)
	}
}

// --help states the bounds of --speed, which the flag enforces (see the
// --speed cases of TestExitCodes).
func TestSpeedBoundInHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"race", "--help"}} {
		stdout, _, code := runInProcess(t, args...)
		if code != cmd.ExitOK || !strings.Contains(stdout, "0.1–100000") {
			t.Errorf("pardemo %s: exit %d, and the --speed bounds 0.1–100000 not in:\n%s", strings.Join(args, " "), code, stdout)
		}
	}
}

// cobra's completion command, asked for a shell it does not know, used to
// print its help and exit 0.
func TestCompletionUnknownShell(t *testing.T) {
	_, stderr, code := runInProcess(t, "completion", "fsh")
	if code != cmd.ExitUsage || stderr != "pardemo: unknown shell \"fsh\" (did you mean \"fish\"?)\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
