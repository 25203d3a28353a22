package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/demos"
)

// TestChaos is the fault-injection suite: it runs the real binary the
// ways people and machines break it, and counts what went wrong.
//
//   - every registered command × several seeds at high speed, under a
//     timeout: no hang, no panic, exit 0;
//   - SIGINT, SIGTERM, a double Ctrl-C and SIGKILL of the parent at random
//     moments, of every command (the full form stops each at least once)
//     and of run-all, verify and --trials: the right exit code, a prompt
//     stop, no process left (not even a zombie or a grandchild), no temp
//     file, a valid database;
//   - a corpus of bad inputs for every knob of every command, by kind,
//     through its deprecated spellings too, for the generic --trials, the
//     global flags and the lab commands: exit 2 (or 1 for a real runtime
//     error), one line on stderr, no stack trace;
//   - stdout on /dev/full, stdout closed by its reader, TERM=dumb.
//
// It closes with "chaos: runs N, hangs 0, panics 0, wrong exit codes 0;
// interrupts N, leftovers 0; bad inputs N, handled N". PARDEMO_CHAOS
// picks the form: "short" (make test, well under 90 s) or "full" (make
// chaos); unset, the test is skipped. PARDEMO_CHAOS_SEED replays a run's
// random choices.
func TestChaos(t *testing.T) {
	level := os.Getenv("PARDEMO_CHAOS")
	if level != "short" && level != "full" {
		t.Skip("the fault-injection suite runs with PARDEMO_CHAOS=short or full (make chaos)")
	}
	full := level == "full"
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PARDEMO_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("PARDEMO_CHAOS_SEED=%q: %v", s, err)
		}
		seed = n
	}
	c := newChaos(t, seed)
	start := time.Now()

	c.scenarioRuns(map[bool]int{false: 1, true: 5}[full])
	c.signalRuns(map[bool]int{false: 16, true: 150}[full])
	c.badInputs(full)
	c.outputFaults(full)

	c.report(time.Since(start))
}

// chaos is one run of the suite: its random source and its tally.
type chaos struct {
	t    *testing.T
	seed uint64
	base string // a directory for every run's TMPDIR and database

	mu         sync.Mutex
	rng        *rand.Rand
	live       map[int]bool // pardemo parents running now: not orphans
	runs       int
	hangs      int
	panics     int
	wrongExits int
	interrupts int
	leftovers  int
	bad        int
	handled    int
	slowest    time.Duration // the longest stop after a signal
	failures   int
}

func newChaos(t *testing.T, seed uint64) *chaos {
	// Become the subreaper of everything the runs start: a child or
	// grandchild whose parent died comes to this process instead of init,
	// so a leftover, even a zombie, cannot hide (see orphans).
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Fatalf("prctl(PR_SET_CHILD_SUBREAPER): %v", errno)
	}
	t.Cleanup(func() { syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0) })
	return &chaos{t: t, seed: seed, base: t.TempDir(), rng: rand.New(rand.NewPCG(seed, seed>>1|1)), live: map[int]bool{}}
}

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, linux/prctl.h

// failf records one failure; the first 40 are printed.
func (c *chaos) failf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures++
	if c.failures <= 40 {
		c.t.Errorf(format, args...)
	} else if c.failures == 41 {
		c.t.Errorf("(more failures: only the first 40 are shown)")
	}
}

func (c *chaos) intn(n int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.IntN(n)
}

func (c *chaos) count(field *int, n int) {
	c.mu.Lock()
	*field += n
	c.mu.Unlock()
}

func (c *chaos) report(took time.Duration) {
	c.t.Logf("chaos: runs %d, hangs %d, panics %d, wrong exit codes %d; interrupts %d, leftovers %d; bad inputs %d, handled %d "+
		"(slowest stop after a signal %s; %s on %d CPU(s); PARDEMO_CHAOS_SEED=%d)",
		c.runs, c.hangs, c.panics, c.wrongExits, c.interrupts, c.leftovers, c.bad, c.handled,
		c.slowest.Round(time.Millisecond), took.Round(time.Second), runtime.NumCPU(), c.seed)
}

// spec is one run of the binary.
type spec struct {
	what        string // for messages: the command line, or the case
	args        []string
	env         []string
	stdout      *os.File // nil: captured
	closeStdout bool     // stdout is a pipe whose reader is already gone
	readLines   int      // stdout is a pipe whose reader goes away after this many lines (head -n)
	signals     []syscall.Signal
	delay       time.Duration // after the first line of stdout, before the signals
	timeout     time.Duration
}

// outcome is how one run went.
type outcome struct {
	code     int
	signaled syscall.Signal // the signal the process died of, 0 if it exited
	stdout   string
	stderr   string
	timedOut bool
	finished bool          // it had printed its result before any signal was sent
	took     time.Duration // from the first signal (or the start) to the exit
}

// linesWriter keeps stdout and tells when the first line is complete.
type linesWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (w *linesWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if bytes.IndexByte(w.buf.Bytes(), '\n') >= 0 {
		w.once.Do(func() { close(w.first) })
	}
	return len(p), nil
}

func (w *linesWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// run starts the binary as s says, with its own TMPDIR and a tag in its
// environment that every process it starts inherits; it returns how the
// run went and the leftovers found after it (processes, temp files).
func (c *chaos) run(s spec) (outcome, []string) {
	t := c.t
	tmp, err := os.MkdirTemp(c.base, "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	tag := fmt.Sprintf("PARDEMO_CHAOS_TAG=%d-%s", os.Getpid(), filepath.Base(tmp))
	if s.timeout == 0 {
		s.timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	p := pardemoCmd(t, ctx, s.args...)
	p.Env = append(p.Env, append([]string{tag, "TMPDIR=" + tmp}, s.env...)...)
	var stderr bytes.Buffer
	p.Stderr = &stderr
	out := &linesWriter{first: make(chan struct{})}
	var pipeW *os.File
	switch {
	case s.closeStdout:
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close() // nobody will ever read: the first write fails with EPIPE
		p.Stdout, pipeW = w, w
	case s.readLines > 0:
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		p.Stdout, pipeW = w, w
		go func() {
			// head -n: take the lines, then go away; the writer's next
			// write fails with EPIPE.
			defer r.Close()
			buf := make([]byte, 1)
			for n := 0; n < s.readLines; {
				if _, err := r.Read(buf); err != nil {
					return
				}
				out.Write(buf)
				if buf[0] == '\n' {
					n++
				}
			}
		}()
	case s.stdout != nil:
		p.Stdout = s.stdout
	default:
		p.Stdout = out
	}
	begin := time.Now()
	// Mark it live before another run's orphans can see it: a run that
	// ends at once is a zombie child of this process, and orphans would
	// reap it from under p.Wait.
	c.mu.Lock()
	err = p.Start()
	if err == nil {
		c.live[p.Process.Pid] = true
		c.runs++
	}
	c.mu.Unlock()
	if err != nil {
		t.Fatalf("%s: %v", s.what, err)
	}
	if pipeW != nil {
		pipeW.Close()
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = p.Wait(); close(exited) }()

	var o outcome
	if len(s.signals) > 0 {
		select {
		case <-out.first:
			select {
			case <-time.After(s.delay):
			case <-exited:
			}
		case <-exited:
		case <-ctx.Done():
		}
		select {
		case <-exited:
			o.finished = true
		default:
			begin = time.Now()
			for i, sig := range s.signals {
				if i > 0 {
					time.Sleep(time.Duration(1+c.intn(20)) * time.Millisecond)
				}
				_ = p.Process.Signal(sig)
			}
		}
	}
	<-exited
	o.took = time.Since(begin)
	c.mu.Lock()
	delete(c.live, p.Process.Pid)
	c.mu.Unlock()
	if p.ProcessState == nil { // it was never waited for: reaped by someone else
		c.failf("%s: %v", s.what, waitErr)
		return outcome{code: -1}, nil
	}
	o.stdout, o.stderr = out.String(), stderr.String()
	o.code = p.ProcessState.ExitCode()
	if ws, ok := p.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		o.signaled = ws.Signal()
	}
	o.timedOut = ctx.Err() != nil
	if len(s.signals) > 0 && o.code == 0 && completed(o.stdout) {
		o.finished = true // it ended just as the signal went out
	}
	if o.timedOut {
		c.count(&c.hangs, 1)
		c.failf("%s: no end within %s (a hang)", s.what, s.timeout)
	}
	if panicked.MatchString(o.stderr) || panicked.MatchString(o.stdout) {
		c.count(&c.panics, 1)
		c.failf("%s: a panic or crash dump:\n%.600s", s.what, o.stderr+o.stdout)
	}

	killed := slices.Contains(s.signals, syscall.SIGKILL) && !o.finished
	left := c.leftAfter(tag, childPidsIn(o.stdout), killed)
	tmpLeft, _ := filepath.Glob(filepath.Join(tmp, "*"))
	if !killed && len(tmpLeft) > 0 {
		// After SIGKILL nobody can clean up the parent's own temp files;
		// after anything else, the parent must have.
		left = append(left, "temp files: "+strings.Join(tmpLeft, " "))
	}
	os.RemoveAll(tmp)
	if len(left) > 0 {
		c.count(&c.leftovers, 1)
		c.failf("%s: left behind:\n%s", s.what, strings.Join(left, "\n"))
	}
	return o, left
}

// completed reports whether stdout holds a run's end: the JSON result
// line, or the text verdict.
func completed(stdout string) bool {
	return endsWith(stdout, "result") || strings.Contains(stdout, "\n◆ lesson shown: ") || strings.Contains(stdout, "\n◇ lesson not shown this run: ")
}

// how says how a run ended: "exit 1", or "killed by broken pipe".
func (o outcome) how() string {
	if o.signaled != 0 {
		return "killed by " + o.signaled.String()
	}
	return "exit " + strconv.Itoa(o.code)
}

// panicked matches what a Go crash prints.
var panicked = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|SIGSEGV)`)

// childPidsIn are the pids the JSON events attribute to child processes.
func childPidsIn(stdout string) map[int]bool {
	return childPids(strings.Split(stdout, "\n"))
}

// leftAfter lists what a finished run left running: processes carrying
// its tag, child pids it reported that still exist (zombies included), and
// orphans reparented to this process. After a SIGKILL of the parent its
// children are killed by the kernel and come here as zombies, which are
// reaped (init would do the same); a live one is a leftover. It waits up
// to two seconds for the kernel to settle.
func (c *chaos) leftAfter(tag string, pids map[int]bool, killed bool) []string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		var left []string
		left = append(left, tagged(c.t, tag)...)
		for _, o := range c.orphans() {
			if o.state == "Z" && killed {
				continue // reaped by orphans
			}
			left = append(left, fmt.Sprintf("orphan pid %d (%s), state %s", o.pid, o.comm, o.state))
		}
		for pid := range pids {
			if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !killed {
				left = append(left, fmt.Sprintf("child pid %d: %s", pid, strings.TrimSpace(string(stat))))
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			// Clear them away, so that they count once, not against every
			// later run.
			for _, o := range c.orphans() {
				_ = syscall.Kill(o.pid, syscall.SIGKILL)
			}
			time.Sleep(50 * time.Millisecond)
			c.orphans()
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type orphan struct {
	pid   int
	comm  string
	state string
}

// orphans are the processes whose parent is this one but that no run
// started directly: descendants of a pardemo run whose parent died. Zombies
// among them are reaped as they are found (each is still reported once).
func (c *chaos) orphans() []orphan {
	me := os.Getpid()
	dirs, _ := os.ReadDir("/proc")
	var out []orphan
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) S ppid ...": comm may hold spaces and parentheses.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		c.mu.Lock()
		live := c.live[pid]
		c.mu.Unlock()
		if ppid != me || live {
			continue
		}
		comm := s[strings.IndexByte(s, '(')+1 : i]
		out = append(out, orphan{pid: pid, comm: comm, state: f[0]})
		if f[0] == "Z" {
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		}
	}
	return out
}

// parallel runs jobs on one worker per CPU.
func parallel(jobs []func()) {
	var wg sync.WaitGroup
	next := make(chan func())
	for range max(2, runtime.NumCPU()) {
		wg.Go(func() {
			for job := range next {
				job()
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// scenarioRuns runs every registered command with seeds different seeds,
// alternating text and JSON, at high speed.
func (c *chaos) scenarioRuns(seeds int) {
	var jobs []func()
	for i := range seeds {
		for _, d := range cmd.Registry() {
			seed := strconv.Itoa(c.intn(1_000_000_000))
			args := []string{"--speed", "2000", "--seed", seed}
			asJSON := (i+len(d.Name))%2 == 0
			if asJSON {
				args = append(args, "--json")
			}
			args = append(append(args, strings.Fields(d.Name)...), smallKnobs[d.Name]...)
			jobs = append(jobs, func() {
				what := "pardemo " + strings.Join(args, " ")
				o, _ := c.run(spec{what: what, args: args})
				if o.timedOut {
					return
				}
				if o.code != 0 || o.signaled != 0 || o.stderr != "" {
					c.count(&c.wrongExits, 1)
					c.failf("%s: %s, want 0; stderr:\n%s", what, o.how(), o.stderr)
					return
				}
				if asJSON && !endsWith(o.stdout, "result") {
					c.failf("%s: the last line is not the result:\n%.300s", what, lastLine(o.stdout))
				}
			})
		}
	}
	parallel(jobs)
}

// endsWith reports whether the last JSON line of stdout is of type typ.
func endsWith(stdout, typ string) bool {
	var l struct {
		Type string `json:"type"`
	}
	return json.Unmarshal([]byte(lastLine(stdout)), &l) == nil && l.Type == typ
}

// signalRuns stops n runs at a random moment with a random signal. They
// run one at a time, so that whatever is left behind is the run's own.
func (c *chaos) signalRuns(n int) {
	reg := cmd.Registry()
	// Besides every scenario, the commands that run many: run-all, verify
	// and a scenario's --trials.
	many := [][]string{{"run-all"}, {"run-all", "--talk"}, {"verify", "--trials", "2"}, {"race", "--trials", "20"}}
	// When there are enough runs, every command is stopped at least once.
	c.mu.Lock()
	order := c.rng.Perm(len(reg) + len(many))
	c.mu.Unlock()
	if n < len(order) {
		order = nil
	}
	for i := range n {
		k := c.intn(len(reg) + len(many))
		if i < len(order) {
			k = order[i]
		}
		var d demos.Demo
		var words []string
		if k < len(reg) {
			d = reg[k]
			words = strings.Fields(d.Name)
		} else {
			words = many[k-len(reg)]
		}
		speed := []string{"1", "3", "10"}[c.intn(3)]
		args := []string{"--speed", speed}
		asJSON := c.intn(4) > 0
		if asJSON {
			args = append(args, "--json")
		}
		args = append(args, words...)
		db := ""
		if d.Name == "tickets" && c.intn(2) == 0 {
			dir, err := os.MkdirTemp(c.base, "db-")
			if err != nil {
				c.t.Fatal(err)
			}
			db = filepath.Join(dir, "tickets.json")
			args = append(args, "--db", db)
			if c.intn(2) == 0 {
				args = append(args, "--lock")
			}
		}
		var sigs []syscall.Signal
		want := 0
		switch c.intn(4) {
		case 0:
			sigs, want = []syscall.Signal{syscall.SIGINT}, cmd.ExitInterrupted
		case 1:
			sigs, want = []syscall.Signal{syscall.SIGINT, syscall.SIGINT}, cmd.ExitInterrupted
		case 2:
			sigs, want = []syscall.Signal{syscall.SIGTERM}, cmd.ExitTerminated
		default:
			sigs = []syscall.Signal{syscall.SIGKILL}
		}
		delay := time.Duration(c.intn(1500)) * time.Millisecond
		what := fmt.Sprintf("pardemo %s, %v after %s", strings.Join(args, " "), sigs, delay)
		o, _ := c.run(spec{what: what, args: args, signals: sigs, delay: delay, timeout: time.Minute})
		if o.timedOut {
			continue
		}
		if k >= len(reg) && o.code == 0 && o.signaled == 0 {
			o.finished = true // it ended just as the signal went out (completed knows a scenario's end only)
		}
		if !o.finished {
			c.count(&c.interrupts, 1)
			c.mu.Lock()
			c.slowest = max(c.slowest, o.took)
			c.mu.Unlock()
		}
		switch {
		case o.finished && o.code == 0:
			// It ended before the signal: a run, not an interrupt.
		case sigs[0] == syscall.SIGKILL:
			if o.signaled != syscall.SIGKILL {
				c.count(&c.wrongExits, 1)
				c.failf("%s: exit %d, signal %v; want death by SIGKILL", what, o.code, o.signaled)
			}
		case o.code != want || o.signaled != 0:
			c.count(&c.wrongExits, 1)
			c.failf("%s: %s, want %d; stderr:\n%s", what, o.how(), want, o.stderr)
		case o.took > 5*time.Second:
			c.count(&c.hangs, 1)
			c.failf("%s: took %s to stop (the grace period is 1s)", what, o.took)
		case strings.Count(o.stderr, "\n") != 1:
			c.failf("%s: stderr is not one line:\n%s", what, o.stderr)
		}
		if db != "" {
			c.checkDB(what, db, sigs[0] == syscall.SIGKILL && !o.finished)
		}
	}
}

// checkDB fails unless the database at db, if the run got as far as
// writing it, is valid and alone with its lock file. After a SIGKILL a
// buyer killed between writing its temporary file and renaming it may
// leave that file (the next run's CleanTemp is for that): it is allowed.
func (c *chaos) checkDB(what, db string, killed bool) {
	data, err := os.ReadFile(db)
	if err == nil && !json.Valid(data) {
		c.failf("%s: the database is not valid JSON: %q", what, data)
	}
	entries, _ := os.ReadDir(filepath.Dir(db))
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == filepath.Base(db) || name == filepath.Base(db)+".lock":
		case killed && strings.Contains(name, ".tmp-"):
		default:
			c.count(&c.leftovers, 1)
			c.failf("%s: left %s next to the database", what, name)
		}
	}
}

// badValues is the corpus of wrong values for a knob of kind p.Kind:
// out of range, not a number, NaN and Inf, empty, other scripts' digits,
// junk lists, and for paths places where no file can be written.
func (c *chaos) badValues(p demos.Param, dir string) []string {
	var v []string
	switch p.Kind {
	case demos.IntKind:
		v = []string{"", "NaN", "Inf", "abc", "1.5", "1e3", "0x10", "١٢", "99999999999999999999", "-99999999999999999999", "٣"}
		if p.Min > math.MinInt64 {
			v = append(v, strconv.FormatInt(p.Min-1, 10))
		}
		if p.Max < math.MaxInt64 {
			v = append(v, strconv.FormatInt(p.Max+1, 10))
		}
	case demos.FloatKind:
		v = []string{"", "NaN", "nan", "Inf", "-Inf", "+Inf", "abc", "1e400", "١", "0x1p-2000",
			strconv.FormatFloat(p.FMin-1, 'g', -1, 64), strconv.FormatFloat(p.FMax*2+1, 'g', -1, 64)}
	case demos.BoolKind:
		v = []string{"maybe", "2", "yes!", "", "ü"}
	case demos.ChoiceKind:
		v = []string{"", "bogus", "ü", "\u200b" + p.Choices[0]}
		if up := strings.ToUpper(p.Choices[0]); up != p.Choices[0] {
			v = append(v, up)
		}
		if len(p.Choices) > 1 {
			v = append(v, p.Choices[0]+","+p.Choices[1])
		}
	case demos.Int64ListKind:
		v = []string{"", ",", "1,,2", "x", "1;2", "١", "9223372036854775808", "1.5", "1,2,", "NaN", "Inf"}
		if p.Min > math.MinInt64 {
			v = append(v, strconv.FormatInt(p.Min-1, 10))
		}
		if p.Max < math.MaxInt64 {
			v = append(v, strconv.FormatInt(p.Max+1, 10))
		}
	case demos.PathKind:
		notes := filepath.Join(dir, "notes.txt")
		_ = os.WriteFile(notes, []byte("not a ticket database\n"), 0o644)
		link := filepath.Join(dir, "link.json")
		_ = os.Symlink(notes, link)
		v = []string{dir, filepath.Join(dir, "missing", "x.json"), "/etc/passwd/x", "/proc/version",
			os.DevNull, "/proc/1/nope/x.json", notes, link, filepath.Join(dir, strings.Repeat("ü", 130))}
	}
	return v
}

// badInputs runs the corpus: every knob of every command (a sample of the
// values in the short form), the global flags, unknown commands and flags,
// and knobs that are wrong only together.
func (c *chaos) badInputs(full bool) {
	dir := c.t.TempDir()
	type bad struct{ args []string }
	var cases []bad
	for _, d := range cmd.Registry() {
		for _, p := range d.Params() {
			vals := c.badValues(p, dir)
			if !full {
				// Two of each knob's values, a different two every run.
				c.mu.Lock()
				c.rng.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
				c.mu.Unlock()
				vals = vals[:min(2, len(vals))]
			}
			for _, v := range vals {
				args := append([]string{"--speed", "2000"}, strings.Fields(d.Name)...)
				args = append(args, smallKnobs[d.Name]...)
				cases = append(cases, bad{append(args, "--"+p.Name+"="+v)})
			}
		}
		// Deprecated spellings (issue 13): a bad value through the old
		// name, and a good one next to a bad knob, still give one line —
		// the error, without the deprecation note.
		params := d.Params()
		for _, al := range d.Bind().Aliases() {
			target := params[slices.IndexFunc(params, func(p demos.Param) bool { return p.Name == al.New })]
			good := "--" + al.Old + "=" + target.Default
			if al.Bool {
				target, good = demos.Param{Kind: demos.BoolKind}, "--"+al.Old
			}
			var extra [][]string // each: the flags added to the command line
			for _, v := range c.badValues(target, dir) {
				extra = append(extra, []string{"--" + al.Old + "=" + v})
			}
			for _, p := range params {
				if bv := c.badValues(p, dir); p.Name != al.New && p.Kind != demos.PathKind && len(bv) > 0 {
					extra = append(extra, []string{good, "--" + p.Name + "=" + bv[c.intn(len(bv))]})
				}
			}
			if !full {
				c.mu.Lock()
				c.rng.Shuffle(len(extra), func(i, j int) { extra[i], extra[j] = extra[j], extra[i] })
				c.mu.Unlock()
				extra = extra[:min(2, len(extra))]
			}
			for _, e := range extra {
				args := append([]string{"--speed", "2000"}, strings.Fields(d.Name)...)
				cases = append(cases, bad{append(args, e...)})
			}
		}
		// The generic --trials of every scenario that declares outcomes.
		if len(d.Outcomes) > 0 && !slices.ContainsFunc(params, func(p demos.Param) bool { return p.Name == "trials" }) {
			vals := []string{"", "0", "-1", "1001", "abc", "1.5", "١", "99999999999999999999"}
			if !full {
				vals = []string{vals[c.intn(len(vals))]}
			}
			for _, v := range vals {
				args := append([]string{"--speed", "2000"}, strings.Fields(d.Name)...)
				cases = append(cases, bad{append(args, "--trials="+v)})
			}
		}
	}
	globals := map[string][]string{
		"speed":    {"", "NaN", "Inf", "-Inf", "-1", "0", "0.001", "1e-20", "1e6", "abc", "١"},
		"seed":     {"", "1.5", "abc", "99999999999999999999", "١", "0x10"},
		"watchdog": {"", "0", "1ms", "2h", "abc", "-1s", "1"},
		"color":    {"", "sometimes", "ALWAYS", "ü"},
	}
	for flag, vals := range globals {
		for _, v := range vals {
			cases = append(cases, bad{[]string{"--" + flag + "=" + v, "race"}})
			if full {
				cases = append(cases, bad{[]string{"--json", "--" + flag + "=" + v, "tickets"}})
			}
		}
	}
	for _, args := range [][]string{
		{"nosuch"}, {"rase"}, {"pool", "nosuch"}, {"explain"}, {"explain", "nosuch"}, {"source"},
		{"help", "nosuch"}, {"race", "extra"}, {"--nosuchflag", "race"}, {"race", "--nosuch"}, {"list", "extra"},
		{"run-all", "extra"}, {"--json", "nosuch"}, {"completion", "nosuch"}, {"race", "--count"}, {"ü"},
		{"race", "--lock", "--protect", "atomic"},
		{"race", "--plain", "--lock"},
		{"race", "--plain", "--compare"},
		{"race", "--workers", "10000", "--count", "100000000"},
		{"gil", "--count", "100000000", "--jobs", "16", "--trials", "10"},
		{"pool", "sum", "--workers", "64", "--n", "10"},
		{"pool", "sum", "--n", "4000000000", "--rounds", "20"},
		{"pool", "primes", "--rounds", "20", "--numbers", strings.TrimSuffix(strings.Repeat("9223372036854775783,", 200), ",")},
		{"semaphore", "limit", "--workers", "1000", "--limit", "1"},
		// Lab commands refuse the global flags they have no use for.
		{"--speed", "2", "list"}, {"--json", "explain", "race"}, {"--seed", "1", "source", "race"}, {"explain", "race", "--speed", "2"},
		{"verify", "--trials", "0"}, {"verify", "--trials", "abc"}, {"verify", "nosuch"}, {"verify", "race --count=-1"},
		{"run-all", "--chapter", "99"}, {"run-all", "--only", "nosuch"}, {"run-all", "--from", "nosuch"}, {"run-all", "--only", ""}, {"run-all", "--from", " "},
		{"--json", "run-all", "--talk", "--only", "race,nosuch"},
	} {
		cases = append(cases, bad{args})
	}
	var jobs []func()
	for _, b := range cases {
		jobs = append(jobs, func() {
			what := "pardemo " + strings.Join(b.args, " ")
			o, _ := c.run(spec{what: what, args: b.args, timeout: time.Minute})
			c.count(&c.bad, 1)
			switch {
			case o.timedOut:
			case o.code != cmd.ExitUsage && o.code != cmd.ExitRuntime:
				c.count(&c.wrongExits, 1)
				c.failf("%s: %s, want 2 (or 1); stderr:\n%s", what, o.how(), o.stderr)
			case strings.Count(o.stderr, "\n") != 1 || !strings.HasPrefix(o.stderr, "pardemo: ") ||
				strings.Contains(o.stderr, "Usage:"):
				c.failf("%s: stderr is not one clear line:\n%s", what, o.stderr)
			case o.code == cmd.ExitUsage && o.stdout != "" && !(slices.Contains(b.args, "--json") && onlyErrorLine(o.stdout)):
				c.failf("%s: a usage error printed on stdout:\n%.300s", what, o.stdout)
			default:
				c.count(&c.handled, 1)
			}
		})
	}
	parallel(jobs)
}

// onlyErrorLine reports whether stdout is exactly one JSON error line, as
// --json prints for a usage error.
func onlyErrorLine(stdout string) bool {
	return strings.Count(stdout, "\n") == 1 && endsWith(stdout, "error")
}

// outputFaults runs commands with stdout on /dev/full, with stdout closed
// by its reader, and with TERM=dumb.
func (c *chaos) outputFaults(full bool) {
	var cmds [][]string
	for i, d := range cmd.Registry() {
		if full || i%4 == 0 || len(d.Children) > 0 {
			cmds = append(cmds, append(strings.Fields(d.Name), smallKnobs[d.Name]...))
		}
	}
	cmds = append(cmds, []string{"list"}, []string{"--help"}, []string{"--version"}, []string{"explain", "race"},
		[]string{"source", "race"}, []string{"run-all"}, []string{"run-all", "--talk", "--chapter", "2"},
		[]string{"race", "--trials", "3", "--count", "1000"}, []string{"verify", "--trials", "1", "thread join", "proc spawn"})
	// A lab command refuses the global flags it has no use for (issue 13):
	// list takes --json, explain and source neither --json nor --speed.
	// verify picks each scenario's speed itself (a lesson judged on timers
	// cannot show at 2000×).
	takes := func(args []string, flag string) bool {
		switch args[0] {
		case "list":
			return flag == "json"
		case "explain", "source":
			return false
		case "verify":
			return flag == "json"
		}
		return true
	}
	var jobs []func()
	for _, args := range cmds {
		for _, asJSON := range []bool{false, true} {
			if asJSON && !takes(args, "json") {
				continue
			}
			a := args
			if takes(args, "speed") {
				a = append([]string{"--speed", "2000"}, a...)
			}
			if asJSON {
				a = append([]string{"--json"}, a...)
			}
			if !full && asJSON != (len(args)%2 == 0) && takes(args, "json") {
				continue // half of each in the short form
			}
			jobs = append(jobs, func() {
				devFull, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
				if err != nil {
					c.t.Errorf("/dev/full: %v", err)
					return
				}
				defer devFull.Close()
				what := "pardemo " + strings.Join(a, " ") + " >/dev/full"
				o, _ := c.run(spec{what: what, args: a, stdout: devFull})
				c.wantWriteError(what, o)
			}, func() {
				what := "pardemo " + strings.Join(a, " ") + " | (closed)"
				o, _ := c.run(spec{what: what, args: a, closeStdout: true})
				c.wantWriteError(what, o)
			}, func() {
				n := 1 + c.intn(6)
				what := fmt.Sprintf("pardemo %s | head -%d", strings.Join(a, " "), n)
				o, _ := c.run(spec{what: what, args: a, readLines: n})
				if o.code == 0 && o.signaled == 0 {
					return // all it wrote fitted in the pipe before the reader left
				}
				c.wantWriteError(what, o)
			}, func() {
				what := "TERM=dumb pardemo " + strings.Join(a, " ")
				o, _ := c.run(spec{what: what, args: a, env: []string{"TERM=dumb"}})
				switch {
				case o.timedOut:
				case o.code != 0 || o.signaled != 0:
					c.count(&c.wrongExits, 1)
					c.failf("%s: %s, want 0; stderr:\n%s", what, o.how(), o.stderr)
				case strings.Contains(o.stdout, "\x1b"):
					c.failf("%s: escape codes on a dumb terminal:\n%.200q", what, o.stdout)
				}
			})
		}
	}
	parallel(jobs)
}

// wantWriteError checks a run whose stdout could not be written: exit 1,
// not a death by SIGPIPE, one line on stderr.
func (c *chaos) wantWriteError(what string, o outcome) {
	switch {
	case o.timedOut:
	case o.code != cmd.ExitRuntime || o.signaled != 0:
		c.count(&c.wrongExits, 1)
		c.failf("%s: %s, want 1; stderr:\n%s", what, o.how(), o.stderr)
	case !strings.HasPrefix(o.stderr, "pardemo: cannot write output: ") || strings.Count(o.stderr, "\n") != 1:
		c.failf("%s: stderr is not the one write-error line:\n%s", what, o.stderr)
	}
}
