package race

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The race-detector lesson (`pardemo race --plain --detector`): the plain
// data race as a program of its own (racy/racy.go, embedded as text),
// built with `go build -race`, run, and its report parsed. pardemo's own
// --plain kernel cannot be used: it is left out of -race builds on
// purpose, and a -race pardemo would be a different program anyway.

//go:embed racy/racy.go
var racySource []byte

// RacySource is the racy program's source, as built.
func RacySource() []byte { return bytes.Clone(racySource) }

// RacyFile is the racy program's file name, as the detector's report
// names it (it is built with -trimpath).
const RacyFile = "racy.go"

// racyMarker marks the lines of the data race in the racy program.
const racyMarker = "// the data race"

// RacyLines are the lines of the racy program that read and write the
// counter: the ones the detector's report must name. They are found in
// the source, not written down, so that editing it cannot make them wrong.
func RacyLines() []int {
	var lines []int
	for i, l := range strings.Split(string(racySource), "\n") {
		if strings.HasSuffix(strings.TrimSpace(l), racyMarker) {
			lines = append(lines, i+1)
		}
	}
	return lines
}

// SourceLine is line n of the racy program, trimmed ("" when out of range).
func SourceLine(n int) string {
	lines := strings.Split(string(racySource), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	s := strings.TrimSpace(lines[n-1])
	s, _, _ = strings.Cut(s, " //")
	return s
}

// ErrNoToolchain is returned when the go command is not on PATH, and
// ErrNoCompiler when cgo is off, which -race needs (a C compiler).
var (
	ErrNoToolchain = errors.New("the race-detector lesson builds a program with 'go build -race': it needs the Go toolchain, and no 'go' command is on PATH (install Go from https://go.dev/dl)")
	ErrNoCompiler  = errors.New("the race-detector lesson builds a program with 'go build -race', which needs cgo and a C compiler (gcc or clang; CI installs gcc): cgo is off here (CGO_ENABLED=0 or no C compiler found)")
)

// Toolchain is the go command that builds the racy program.
type Toolchain struct {
	Go      string // the go command's path
	Version string // its GOVERSION, "go1.26.8"
	GOOS    string
	GOARCH  string
	CGO     bool // cgo is enabled (-race needs it, except on darwin)
}

// Limits for the child processes: the build (the first one compiles the
// runtime with -race: tens of seconds on a busy laptop) and the run.
const (
	BuildTimeout = 3 * time.Minute
	RunTimeout   = 30 * time.Second
)

// FindToolchain looks for the go command and asks it about itself. It
// returns ErrNoToolchain when there is none, and ErrNoCompiler when -race
// cannot work here for want of cgo.
func FindToolchain(ctx context.Context) (Toolchain, error) {
	path, err := exec.LookPath("go")
	if err != nil {
		return Toolchain{}, ErrNoToolchain
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "env", "-json", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED")
	cmd.Stdout = &out
	cmd.Env = buildEnv()
	if err := runChild(ctx, cmd); err != nil {
		return Toolchain{}, fmt.Errorf("'go env' failed: %v", err)
	}
	var env map[string]string
	if err := json.Unmarshal(out.Bytes(), &env); err != nil {
		return Toolchain{}, fmt.Errorf("'go env -json': %v", err)
	}
	tc := Toolchain{Go: path, Version: env["GOVERSION"], GOOS: env["GOOS"], GOARCH: env["GOARCH"], CGO: env["CGO_ENABLED"] == "1"}
	if !tc.CGO && tc.GOOS != "darwin" {
		return tc, ErrNoCompiler
	}
	return tc, nil
}

// buildEnv is the environment of the go command: this one, with the
// toolchain pinned to the one found (no download in the middle of a class).
func buildEnv() []string {
	env := os.Environ()
	if os.Getenv("GOTOOLCHAIN") == "" {
		env = append(env, "GOTOOLCHAIN=local")
	}
	return env
}

// Key is the cache key of the racy program's -race binary: its source and
// the toolchain that builds it.
func (tc Toolchain) Key() string {
	h := sha256.New()
	h.Write(racySource)
	fmt.Fprintf(h, "\x00%s\x00%s\x00%s\x00race", tc.Version, tc.GOOS, tc.GOARCH)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Built is the -race binary of the racy program.
type Built struct {
	Path   string        // the binary
	Cached bool          // it was already built (no build this time)
	Took   time.Duration // how long the build took (0 when cached)
	Dir    string        // the cache directory it lives in, or "" for a temporary one
	// Remove deletes a temporary binary (no cache directory could be made);
	// for a cached one it does nothing. Always call it.
	Remove func()
}

// CacheDir is where built binaries are kept: the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux), "pardemo/race".
func CacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "pardemo", "race"), nil
}

// Build returns the racy program's -race binary, from the cache when it is
// there, else built with tc in a temporary directory (removed after) and
// then kept in the cache. beat is called about every 100ms while the
// build runs (the scenario's watchdog counts it as progress).
func Build(ctx context.Context, tc Toolchain, beat func()) (Built, error) {
	exe := "racy"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	cache, cerr := CacheDir()
	var final string
	if cerr == nil {
		dir := filepath.Join(cache, tc.Key())
		final = filepath.Join(dir, exe)
		if fi, err := os.Stat(final); err == nil && fi.Mode().IsRegular() {
			return Built{Path: final, Cached: true, Dir: dir, Remove: func() {}}, nil
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			final = ""
		}
	}
	tmp, err := os.MkdirTemp("", "pardemo-race-*")
	if err != nil {
		return Built{}, err
	}
	removeTmp := func() { _ = os.RemoveAll(tmp) }
	src := filepath.Join(tmp, RacyFile)
	if err := os.WriteFile(src, racySource, 0o644); err != nil {
		removeTmp()
		return Built{}, err
	}
	out := filepath.Join(tmp, exe)
	bctx, cancel := context.WithTimeout(ctx, BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(bctx, tc.Go, "build", "-race", "-trimpath", "-o", out, RacyFile)
	cmd.Dir = tmp
	// A file named on the command line builds outside any module; the
	// build cache is the user's, so only the first build is slow. The go
	// command's work directory and the C compiler's temporary files go
	// into tmp too, so that removing tmp removes them even after a kill.
	work := filepath.Join(tmp, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		removeTmp()
		return Built{}, err
	}
	cmd.Env = append(buildEnv(), "GOFLAGS=", "GOTMPDIR="+work, "TMPDIR="+work)
	var msgs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &msgs, &msgs
	start := time.Now()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if beat != nil {
					beat()
				}
			}
		}
	}()
	err = runChild(bctx, cmd)
	close(done)
	took := time.Since(start)
	if err != nil {
		removeTmp()
		if ctx.Err() != nil {
			return Built{}, context.Cause(ctx)
		}
		if bctx.Err() != nil {
			return Built{}, fmt.Errorf("'go build -race' did not finish in %v", BuildTimeout)
		}
		text := strings.TrimSpace(msgs.String())
		if strings.Contains(text, "requires cgo") || strings.Contains(text, "C compiler") || strings.Contains(text, "exec: \"gcc\"") {
			return Built{}, ErrNoCompiler
		}
		first, _, _ := strings.Cut(text, "\n")
		return Built{}, fmt.Errorf("'go build -race' failed: %s", first)
	}
	if final != "" && os.Rename(out, final) == nil {
		removeTmp()
		return Built{Path: final, Took: took, Dir: filepath.Dir(final), Remove: func() {}}, nil
	}
	if final != "" {
		// Another filesystem: copy it in, then rename (atomic within one).
		if data, err := os.ReadFile(out); err == nil {
			part := final + ".part" + strconv.Itoa(os.Getpid())
			if os.WriteFile(part, data, 0o755) == nil && os.Rename(part, final) == nil {
				removeTmp()
				return Built{Path: final, Took: took, Dir: filepath.Dir(final), Remove: func() {}}, nil
			}
			_ = os.Remove(part)
		}
	}
	return Built{Path: out, Took: took, Remove: removeTmp}, nil
}

// Ran is what one run of the racy program did.
type Ran struct {
	Pid     int
	Exit    int    // its exit status: 66 when the detector reported a race
	Stdout  string // the program's own output ("counter = -312")
	Stderr  string // the detector's report
	Counter int64  // the counter's final value, from Stdout
	Took    time.Duration
}

// DetectorExit is the exit status of a -race program that reported a data
// race (GORACE's exitcode, 66 unless changed; pardemo leaves it alone).
const DetectorExit = 66

// RunRacy runs the -race binary with count updates per goroutine. started
// is called with the child's pid once it runs.
func RunRacy(ctx context.Context, path string, count int, started func(pid int)) (Ran, error) {
	rctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, path, strconv.Itoa(count))
	// The detector's settings are its defaults (exit status 66, a report
	// per race), except the second a -race program sleeps before exiting.
	env := []string{"GORACE=atexit_sleep_ms=0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := startChild(cmd)
	if err != nil {
		return Ran{}, fmt.Errorf("starting the -race program: %v", err)
	}
	if started != nil {
		started(cmd.Process.Pid)
	}
	err = cmd.Wait()
	r := Ran{Pid: cmd.Process.Pid, Stdout: out.String(), Stderr: errb.String(), Took: time.Since(start), Exit: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		return r, context.Cause(ctx)
	}
	if rctx.Err() != nil {
		return r, fmt.Errorf("the -race program did not finish in %v", RunTimeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, err
	}
	if _, v, ok := strings.Cut(r.Stdout, "counter = "); ok {
		v, _, _ = strings.Cut(v, "\n")
		r.Counter, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	}
	return r, nil
}

// runChild runs cmd to the end in a process group of its own (on Unix), so
// that a cancelled context kills the go command and the compilers it
// started, not only the go command.
func runChild(ctx context.Context, cmd *exec.Cmd) error {
	if err := startChild(cmd); err != nil {
		return err
	}
	return cmd.Wait()
}

// startChild starts cmd, which must come from exec.CommandContext, set up
// to end its whole process group when its context ends.
func startChild(cmd *exec.Cmd) error {
	groupChild(cmd)
	cmd.WaitDelay = 2 * time.Second
	return cmd.Start()
}

// Frame is one line of a stack in a race report.
type Frame struct {
	Func string // "main.adder"
	File string // "racy.go"
	Line int
}

// Access is one of the two memory accesses of a race report.
type Access struct {
	Op        string // "read", "write", "atomic read", …
	Previous  bool   // the earlier of the two ("Previous write at …")
	Addr      string // "0x000000626318"
	Goroutine int    // its goroutine (0: the main goroutine)
	Stack     []Frame
}

// At is the access's innermost frame.
func (a Access) At() Frame {
	if len(a.Stack) == 0 {
		return Frame{}
	}
	return a.Stack[0]
}

// DataRace is one "WARNING: DATA RACE" block of a report.
type DataRace struct {
	Accesses []Access       // the current access, then the previous one
	Created  map[int]Frame  // where each goroutine was created ("go adder(…)")
	Status   map[int]string // "running" or "finished" when the report was made
	Text     string         // the block as printed, between its ==== lines
}

// Report is a -race program's stderr, parsed.
type Report struct {
	Races []DataRace
	Found int // "Found N data race(s)": 0 if the line is missing
}

var (
	accessRE  = regexp.MustCompile(`^(Previous )?((?:[Aa]tomic )?(?:[Rr]ead|[Ww]rite)) at (0x[0-9a-f]+) by (?:goroutine (\d+)|main goroutine):$`)
	createdRE = regexp.MustCompile(`^Goroutine (\d+) \((\w+)\) created at:$`)
	funcRE    = regexp.MustCompile(`^\s+(\S.*)\(.*\)$`)
	fileRE    = regexp.MustCompile(`^\s+(\S+):(\d+)(?: \+0x[0-9a-f]+)?$`)
	foundRE   = regexp.MustCompile(`^Found (\d+) data race\(s\)$`)
)

// ParseReport reads the race reports in a -race program's stderr.
func ParseReport(stderr string) Report {
	var rep Report
	var cur *DataRace
	var text []string
	// The stack being read: an access's (acc ≥ 0) or a goroutine's
	// creation (created ≥ 0).
	var frames []Frame
	acc, created := -1, -1
	flush := func() {
		switch {
		case cur == nil:
		case acc >= 0:
			cur.Accesses[acc].Stack = frames
		case created >= 0 && len(frames) > 0:
			cur.Created[created] = frames[0]
		}
		frames, acc, created = nil, -1, -1
	}
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "==================") {
			if cur != nil {
				flush()
				cur.Text = strings.Join(text, "\n")
				rep.Races = append(rep.Races, *cur)
				cur, text = nil, nil
			}
			continue
		}
		if line == "WARNING: DATA RACE" {
			cur = &DataRace{Created: map[int]Frame{}, Status: map[int]string{}}
			text = []string{line}
			continue
		}
		if m := foundRE.FindStringSubmatch(line); m != nil {
			rep.Found, _ = strconv.Atoi(m[1])
			continue
		}
		if cur == nil {
			continue
		}
		text = append(text, line)
		if m := accessRE.FindStringSubmatch(line); m != nil {
			flush()
			g, _ := strconv.Atoi(m[4])
			cur.Accesses = append(cur.Accesses, Access{Op: strings.ToLower(m[2]), Previous: m[1] != "", Addr: m[3], Goroutine: g})
			acc = len(cur.Accesses) - 1
			continue
		}
		if m := createdRE.FindStringSubmatch(line); m != nil {
			flush()
			created, _ = strconv.Atoi(m[1])
			cur.Status[created] = m[2]
			continue
		}
		if acc < 0 && created < 0 {
			continue
		}
		if m := fileRE.FindStringSubmatch(line); m != nil && len(frames) > 0 && frames[len(frames)-1].File == "" {
			n, _ := strconv.Atoi(m[2])
			frames[len(frames)-1].File, frames[len(frames)-1].Line = filepath.Base(m[1]), n
			continue
		}
		if m := funcRE.FindStringSubmatch(line); m != nil {
			frames = append(frames, Frame{Func: m[1]})
		}
	}
	if cur != nil { // a report cut short: keep what was read
		flush()
		cur.Text = strings.Join(text, "\n")
		rep.Races = append(rep.Races, *cur)
	}
	return rep
}

// OnLines returns the first race whose two accesses are both at one of
// lines of file: the race the lesson is about. ok is false when the
// report names no such race.
func (r Report) OnLines(file string, lines []int) (DataRace, bool) {
	at := func(a Access) bool {
		f := a.At()
		return f.File == file && slices.Contains(lines, f.Line)
	}
	for _, d := range r.Races {
		if len(d.Accesses) == 2 && at(d.Accesses[0]) && at(d.Accesses[1]) {
			return d, true
		}
	}
	return DataRace{}, false
}
