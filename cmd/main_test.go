package cmd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/internal/proc"
)

// repoFS is the repository's files, standing in for what main.go embeds.
// It is found from this file's compiled-in path, so it is right also in a
// "pardemo" process that testscript starts in its own work directory.
var repoFS = func() fs.FS {
	_, file, _, _ := runtime.Caller(0)
	return os.DirFS(filepath.Dir(filepath.Dir(file)))
}()

// leakCheck runs the package's tests, then checks once that they left no
// goroutine behind. (No test here uses t.Parallel: goleak would see the
// goroutines of tests still running.)
type leakCheck struct{ m *testing.M }

func (l leakCheck) Run() int {
	code := l.m.Run()
	if code != 0 {
		return code
	}
	if err := goleak.Find(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: goroutines leaked by the cmd tests:\n%v\n", err)
		return 1
	}
	return 0
}

// TestMain makes the test binary double as the pardemo command: testscript
// copies it into a temporary PATH directory as "pardemo", and a process
// started under that name runs cmd.Main instead of the tests (which is also
// what stops the binary from running its own tests recursively).
func TestMain(m *testing.M) {
	// A child process started by a process scenario is this test binary
	// again: it must play its role, never run the tests.
	if proc.IsChild() {
		os.Exit(cmd.Main(repoFS))
	}
	// A binary built with -race sleeps a second at exit by default; every
	// pardemo process started by these tests would pay it.
	if g := os.Getenv("GORACE"); !strings.Contains(g, "atexit_sleep_ms") {
		os.Setenv("GORACE", strings.TrimSpace(g+" atexit_sleep_ms=0"))
	}
	testscript.Main(leakCheck{m}, map[string]func(){
		"pardemo": func() { os.Exit(cmd.Main(repoFS)) },
	})
}

// TestScripts runs testdata/script/*.txtar against the pardemo command.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"jsonlines": cmdJSONLines},
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			// The script environment starts empty; make sure colour and
			// terminal settings come only from the scripts themselves.
			env.Setenv("NO_COLOR", "")
			env.Setenv("TERM", "")
			return os.MkdirAll(home, 0o755)
		},
	})
}

// cmdJSONLines checks the shape of the last command's stdout, which must be
// JSON lines:
//
//	jsonlines result DEMO   events, then DEMO's result as the last line
//	jsonlines error CODE    the last line is an error line with exit_code CODE
//	jsonlines summary       run-all: events and results, then the summary
//	jsonlines demo          list --json: one demo line per scenario
func cmdJSONLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! jsonlines")
	}
	if len(args) < 1 {
		ts.Fatalf("usage: jsonlines result DEMO | error CODE | summary | demo")
	}
	lines, err := parseLines([]byte(ts.ReadFile("stdout")))
	ts.Check(err)
	switch {
	case args[0] == "result" && len(args) == 2:
		ts.Check(checkRun(lines, args[1]))
	case args[0] == "error" && len(args) == 2:
		code, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(checkErrorLast(lines, code))
	case args[0] == "summary" && len(args) == 1:
		ts.Check(checkRunAll(lines))
	case args[0] == "demo" && len(args) == 1:
		ts.Check(checkList(lines))
	default:
		ts.Fatalf("usage: jsonlines result DEMO | error CODE | summary | demo")
	}
}

// line is one decoded JSON line, kept raw per key so that key sets and
// types can be checked exactly.
type line map[string]json.RawMessage

func (l line) typ() string         { var s string; _ = json.Unmarshal(l["type"], &s); return s }
func (l line) str(k string) string { var s string; _ = json.Unmarshal(l[k], &s); return s }

// parseLines decodes out as JSON lines: every line must be one JSON object.
func parseLines(out []byte) ([]line, error) {
	if len(out) == 0 {
		return nil, errors.New("no output")
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		return nil, errors.New("output does not end with a newline")
	}
	var lines []line
	for i, raw := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		var l line
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("line %d is not a JSON object: %v: %s", i+1, err, raw)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// shape checks that l has exactly the required keys plus any of the optional
// ones, each holding a JSON value of the given kind.
func shape(l line, required, optional map[string]string) error {
	for k := range required {
		if _, ok := l[k]; !ok {
			return fmt.Errorf("%s line without %q: %s", l.typ(), k, show(l))
		}
	}
	for k, raw := range l {
		kind, ok := required[k]
		if !ok {
			kind, ok = optional[k]
		}
		if !ok {
			return fmt.Errorf("%s line with unexpected key %q: %s", l.typ(), k, show(l))
		}
		if err := jsonKind(raw, kind); err != nil {
			return fmt.Errorf("%s line, key %q: %v", l.typ(), k, err)
		}
	}
	return nil
}

func jsonKind(raw json.RawMessage, kind string) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	ok := false
	switch kind {
	case "string":
		_, ok = v.(string)
	case "nonempty":
		s, isStr := v.(string)
		ok = isStr && s != ""
	case "number":
		f, isNum := v.(float64)
		ok = isNum && f >= 0
	case "int":
		f, isNum := v.(float64)
		ok = isNum && f == float64(int64(f))
	case "bool":
		_, ok = v.(bool)
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "any":
		ok = true
	}
	if !ok {
		return fmt.Errorf("want a %s, got %s", kind, raw)
	}
	return nil
}

func show(l line) string {
	b, _ := json.Marshal(l)
	return string(b)
}

var eventKinds = []string{"start", "acquire", "release", "wait", "wake", "send", "recv", "step", "note", "warn", "phase", "done"}

func checkEvent(l line) error {
	if err := shape(l, map[string]string{"type": "string", "t_ms": "number", "actor": "string", "kind": "string", "msg": "nonempty", "attrs": "object"}, map[string]string{"tone": "nonempty"}); err != nil {
		return err
	}
	if k := l.str("kind"); !slices.Contains(eventKinds, k) {
		return fmt.Errorf("event of unknown kind %q: %s", k, show(l))
	}
	return nil
}

// checkResult checks a result line of scenario demo, including that its
// metrics carry every key the scenario declares.
func checkResult(l line, demo string) error {
	if l.typ() != "result" {
		return fmt.Errorf("want a result line, got %s", show(l))
	}
	err := shape(l, map[string]string{"type": "string", "schema": "int", "demo": "string", "seed": "int", "speed": "number",
		"knobs": "object", "wall_ms": "number", "verdict": "nonempty", "lesson_observed": "bool", "metrics": "object"},
		map[string]string{"hint": "nonempty", "quiz": "object"})
	if err != nil {
		return err
	}
	if err := checkQuizField(l); err != nil { // --quiz: quiz_test.go
		return err
	}
	if got := l.str("demo"); got != demo {
		return fmt.Errorf("result of %q, want %q", got, demo)
	}
	d, ok := findDemo(demo)
	if !ok {
		return fmt.Errorf("no scenario %q in the registry", demo)
	}
	var metrics map[string]json.RawMessage
	if err := json.Unmarshal(l["metrics"], &metrics); err != nil {
		return err
	}
	for _, k := range jsonKeys(d.Metrics, true) {
		if _, ok := metrics[k]; !ok {
			return fmt.Errorf("%s result lacks declared metric %q: %s", demo, k, l["metrics"])
		}
	}
	// The result carries every knob's value (issue 13), under its current name.
	var knobs map[string]json.RawMessage
	if err := json.Unmarshal(l["knobs"], &knobs); err != nil {
		return err
	}
	for _, p := range d.Params() {
		if _, ok := knobs[p.Name]; !ok {
			return fmt.Errorf("%s result lacks knob %q: %s", demo, p.Name, l["knobs"])
		}
	}
	if len(knobs) != len(d.Params()) {
		return fmt.Errorf("%s result has %d knobs, the scenario %d: %s", demo, len(knobs), len(d.Params()), l["knobs"])
	}
	return nil
}

// checkRun checks one scenario run: events, then its result as the last line.
func checkRun(lines []line, demo string) error {
	prev := 0.0
	for i, l := range lines[:len(lines)-1] {
		if l.typ() != "event" {
			return fmt.Errorf("line %d: want an event line before the result, got %s", i+1, show(l))
		}
		if err := checkEvent(l); err != nil {
			return fmt.Errorf("line %d: %v", i+1, err)
		}
		// docs/json.md: t_ms never decreases, child events included.
		var t float64
		if err := json.Unmarshal(l["t_ms"], &t); err == nil {
			if t < prev {
				return fmt.Errorf("line %d: t_ms %v after %v: time went backwards: %s", i+1, t, prev, show(l))
			}
			prev = t
		}
	}
	return checkResult(lines[len(lines)-1], demo)
}

func checkErrorLast(lines []line, code int) error {
	last := lines[len(lines)-1]
	if last.typ() != "error" {
		return fmt.Errorf("last line is not an error line: %s", show(last))
	}
	if err := shape(last, map[string]string{"type": "string", "msg": "nonempty", "exit_code": "int"}, map[string]string{"demo": "nonempty"}); err != nil {
		return err
	}
	var got int
	_ = json.Unmarshal(last["exit_code"], &got)
	if got != code {
		return fmt.Errorf("exit_code %d, want %d: %s", got, code, show(last))
	}
	return nil
}

// checkRunAll checks run-all: every scenario's events and result in registry
// order, then a summary naming them all, as the last line.
func checkRunAll(lines []line) error {
	var ran []string
	for i, l := range lines[:len(lines)-1] {
		var err error
		switch l.typ() {
		case "event":
			err = checkEvent(l)
		case "result":
			ran = append(ran, l.str("demo"))
			err = checkResult(l, l.str("demo"))
		default:
			err = fmt.Errorf("unexpected line before the summary: %s", show(l))
		}
		if err != nil {
			return fmt.Errorf("line %d: %v", i+1, err)
		}
	}
	want := registryNames()
	if !slices.Equal(ran, want) {
		return fmt.Errorf("results for %q, want %q", ran, want)
	}
	last := lines[len(lines)-1]
	if last.typ() != "summary" {
		return fmt.Errorf("last line is not the summary: %s", show(last))
	}
	if err := shape(last, map[string]string{"type": "string", "demos": "array"}, nil); err != nil {
		return err
	}
	var rows []line
	if err := json.Unmarshal(last["demos"], &rows); err != nil {
		return err
	}
	var names []string
	for _, r := range rows {
		if err := shape(r, map[string]string{"demo": "string", "wall_ms": "number", "verdict": "nonempty", "short_verdict": "nonempty", "lesson_observed": "bool", "failed": "bool"}, map[string]string{"quiz": "object"}); err != nil {
			return fmt.Errorf("summary row: %v", err)
		}
		names = append(names, r.str("demo"))
	}
	if !slices.Equal(names, want) {
		return fmt.Errorf("summary lists %q, want %q", names, want)
	}
	return nil
}

func checkList(lines []line) error {
	want := registryNames()
	var names []string
	for i, l := range lines {
		if l.typ() != "demo" {
			return fmt.Errorf("line %d: want a demo line, got %s", i+1, show(l))
		}
		names = append(names, l.str("name"))
	}
	if !slices.Equal(names, want) {
		return fmt.Errorf("list --json names %q, want %q", names, want)
	}
	return nil
}

func registryNames() []string {
	var out []string
	for _, d := range cmd.Registry() {
		out = append(out, d.Name)
	}
	return out
}
