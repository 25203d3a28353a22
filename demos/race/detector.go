package race

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/race"
)

// `pardemo race --plain --detector`: the plain data race as a program of
// its own (internal/race/racy/racy.go), built with `go build -race`, run,
// and the race detector's report shown as what happened — who wrote, who
// read, at which line — and why that is a data race under the Go memory
// model.

// Detector is what the race detector reported on the racy program.
type Detector struct {
	Built     bool             `json:"built"`      // only with --detector: the -race binary was built in this run (false: it came from the cache)
	BuildMs   float64          `json:"build_ms"`   // only with --detector: how long the build took (0 when cached)
	GoVersion string           `json:"go_version"` // only with --detector: the Go toolchain that built it
	Pid       int              `json:"pid"`        // only with --detector: the racy program's process id
	ExitCode  int              `json:"exit_code"`  // only with --detector: the racy program's exit status, 66 when the detector reported a race
	Reports   int              `json:"reports"`    // only with --detector: "WARNING: DATA RACE" blocks in its stderr
	Found     int              `json:"found"`      // only with --detector: the count on its "Found N data race(s)" line
	OnCounter bool             `json:"on_counter"` // only with --detector: a report names two accesses at the counter's lines of racy.go
	Lines     []int            `json:"lines"`      // only with --detector: the counter's lines of racy.go (counter = counter ± 1)
	Accesses  []DetectorAccess `json:"accesses"`   // only with --detector: that report's two accesses, the later first, as the detector prints them (empty when none was found)
}

// DetectorAccess is one access of the reported race.
type DetectorAccess struct {
	Op        string `json:"op"`        // read or write
	Previous  bool   `json:"previous"`  // the earlier of the two ("Previous write at …")
	Goroutine int    `json:"goroutine"` // the goroutine's number in the report
	Func      string `json:"func"`      // the function it ran, main.adder or main.subtractor
	Line      int    `json:"line"`      // the line of racy.go
}

func checkDetector(o *Options, k *demos.Knobs) error {
	if !o.Plain {
		return fmt.Errorf("--detector runs the plain data race under Go's race detector: add --plain")
	}
	for _, name := range []string{"workers", "window", "trials"} {
		if k.Changed(name) {
			return fmt.Errorf("--detector runs a fixed program, an adder and a subtractor with nothing between read and write, once: drop --%s", name)
		}
	}
	return nil
}

func runDetector(ctx context.Context, env *demos.Env, o *Options, count int) (ev.Result, error) {
	env.Log("main", ev.Note, "--detector: the same plain data race as a program of its own, racy.go, built with go build -race")
	env.Log("main", ev.Note, "a -race program checks its memory accesses and reports two that no synchronisation orders")
	tc, err := race.FindToolchain(ctx)
	if err != nil {
		return ev.Result{}, err
	}
	cache, _ := race.CacheDir()
	env.Logf("main", ev.Step, "looking for racy.go's -race build in %s (built once per Go version with %s, then kept)", cache, tc.Version)
	built, err := race.Build(ctx, tc, env.Beat)
	if err != nil {
		return ev.Result{}, err
	}
	defer built.Remove()
	if built.Cached {
		env.Logf("main", ev.Step, "found it: %s", built.Path)
	} else {
		env.Logf("main", ev.Step, "built it with %s go build -race in %s", tc.Version, ev.Dur(built.Took))
	}
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}

	actor := "racy"
	ran, err := race.RunRacy(ctx, built.Path, count, func(pid int) {
		actor = fmt.Sprintf("racy [pid %d]", pid)
		env.Log(actor, ev.Start, fmt.Sprintf("an adder and a subtractor each change counter %s times, no lock", ev.Int(count)), "pid", pid, "count", count)
	})
	if err != nil {
		return ev.Result{}, err
	}
	out := strings.TrimSpace(ran.Stdout)
	env.Log(actor, ev.Done, fmt.Sprintf("printed %q and exited with status %d", out, ran.Exit), "exit_code", ran.Exit, "counter", ran.Counter)

	rep := race.ParseReport(ran.Stderr)
	lines := race.RacyLines()
	d, on := rep.OnLines(race.RacyFile, lines)
	m := Detector{
		Built: !built.Cached, BuildMs: ev.Ms(built.Took), GoVersion: tc.Version, Pid: ran.Pid, ExitCode: ran.Exit,
		Reports: len(rep.Races), Found: rep.Found, OnCounter: on, Lines: lines, Accesses: []DetectorAccess{},
	}
	if on {
		for _, a := range d.Accesses {
			m.Accesses = append(m.Accesses, DetectorAccess{Op: a.Op, Previous: a.Previous, Goroutine: a.Goroutine, Func: a.At().Func, Line: a.At().Line})
		}
		explainReport(env, d, rep, ran)
	} else {
		env.Logf("main", ev.Warn, "the detector's output names no race at the counter's lines %v of racy.go (%d report(s), exit status %d)", lines, len(rep.Races), ran.Exit)
	}
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	return concludeDetector(o, count, m, d, ran), nil
}

// who names the goroutine of an access: "goroutine 8 (adder)".
func who(a race.Access) string {
	return fmt.Sprintf("goroutine %d (%s)", a.Goroutine, strings.TrimPrefix(a.At().Func, "main."))
}

// at is "racy.go:26: counter = counter + 1".
func at(f race.Frame) string {
	return fmt.Sprintf("%s:%d: %s", f.File, f.Line, race.SourceLine(f.Line))
}

func pastTense(op string) string {
	switch op {
	case "read":
		return "read"
	case "write":
		return "wrote"
	}
	return op
}

// explainReport tells the report as events: the earlier access, the later
// one, what the detector concluded, and why.
func explainReport(env *demos.Env, d race.DataRace, rep race.Report, ran race.Ran) {
	now, prev := d.Accesses[0], d.Accesses[1]
	env.Log(who(prev), ev.Step, fmt.Sprintf("%s counter at %s", pastTense(prev.Op), at(prev.At())),
		"goroutine", prev.Goroutine, "op", prev.Op, "line", prev.At().Line)
	env.Log(who(now), ev.Warn, fmt.Sprintf("%s counter at %s, unordered with goroutine %d's %s", pastTense(now.Op), at(now.At()), prev.Goroutine, prev.Op),
		"goroutine", now.Goroutine, "op", now.Op, "line", now.At().Line)
	made := func(g int) string {
		if c, ok := d.Created[g]; ok && c.Line > 0 {
			return fmt.Sprintf("line %d", c.Line)
		}
		return "?"
	}
	env.Logf("main", ev.Warn, "the detector: WARNING: DATA RACE at %s (counter); %d report(s) in all, exit status %d",
		now.Addr, max(len(rep.Races), rep.Found), ran.Exit)
	env.Log("main", ev.Note, "why: two accesses to one variable, one a write, are a data race unless one happens before the other (Go memory model)")
	env.Log("main", ev.Note, "happens-before comes from synchronisation: unlock → next lock, send → its receive, wg.Done → wg.Wait's return")
	env.Logf("main", ev.Note, "here main starts both goroutines (racy.go %s and %s) and waits for both: nothing orders goroutine %d and goroutine %d",
		made(prev.Goroutine), made(now.Goroutine), prev.Goroutine, now.Goroutine)
	env.Log("main", ev.Note, "how it knows: each goroutine has a vector clock that synchronisation advances; an access whose clock does not cover the earlier one is reported")
	env.Log("main", ev.Note, "so it finds a race whatever the timing, even with nothing lost, but only in code that ran")
}

func concludeDetector(o *Options, count int, m Detector, d race.DataRace, ran race.Ran) ev.Result {
	lost := ran.Counter
	if lost < 0 {
		lost = -lost
	}
	side := Side{
		Mode: string(race.Plain), Workers: 2, Count: count, Window: string(race.NoWindow),
		Expected: 0, Observed: ran.Counter, LostUpdates: lost, Finals: []int64{ran.Counter},
		NsPerUpdate: math.Round(float64(ran.Took.Nanoseconds())/float64(2*count)*10) / 10,
		Trials:      1,
	}
	if lost > 0 {
		side.RunsWithLoss = 1
	}
	res := ev.Result{Metrics: Metrics{Side: side, Detector: &m}}
	if m.Built {
		res.Timing = append(res.Timing, ev.Timing{Label: "go build -race", D: time.Duration(m.BuildMs * float64(time.Millisecond))})
	}
	res.Timing = append(res.Timing, ev.Timing{Label: "racy run (-race)", D: ran.Took})
	damage := fmt.Sprintf("in a run that lost at least %s updates", ev.Int(lost))
	if lost == 0 {
		damage = "in a run whose counter ended at 0: it finds the race, not its damage"
	}
	res.Observed = m.OnCounter && m.ExitCode == race.DetectorExit
	switch {
	case res.Observed:
		now, prev := d.Accesses[0], d.Accesses[1]
		res.Verdict = fmt.Sprintf("the race detector caught the data race on counter — %s %s it at racy.go:%d, %s %s it at racy.go:%d, nothing ordered them — %s (exit status %d)",
			who(prev), pastTense(prev.Op), prev.At().Line, who(now), pastTense(now.Op), now.At().Line, damage, m.ExitCode)
		res.Short = "the detector caught the data race"
		res.Tables = append(res.Tables, reportTable(d))
	case m.OnCounter:
		res.Verdict = fmt.Sprintf("the detector named the counter's lines, but racy exited with status %d, not %d", m.ExitCode, race.DetectorExit)
		res.Hint = "run it without GORACE set (its exitcode option changes the status)"
	default:
		res.Verdict = fmt.Sprintf("no report names the counter's lines of racy.go (%d report(s), exit status %d)", m.Reports, m.ExitCode)
		res.Hint = "another run; a -race build reports this race every time, so if it persists the report's format has changed (see internal/race/testdata)"
	}
	return res
}

// reportTable is the detector's own words: the race's block as printed.
func reportTable(d race.DataRace) ev.Table {
	tb := ev.Table{Title: "the race detector's report, as racy printed it (stderr)", Header: []string{"racy.go, built with -race"}}
	for _, l := range strings.Split(d.Text, "\n") {
		if strings.TrimSpace(l) != "" {
			tb.Rows = append(tb.Rows, []string{l})
		}
	}
	return tb
}
