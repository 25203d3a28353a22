// Package download is scenario T6: two downloads run side by side take as
// long as the longer one, not as long as both together — with goroutines
// and with child processes alike.
package download

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// fetchRole is the child process that plays one download.
const fetchRole = "download/fetch"

// steps is how many progress reports a download makes (every 20%).
const steps = 5

// Options are the scenario's knobs.
type Options struct {
	Form string // "goroutines", "processes" or "both" in turn
}

// Metrics are what the scenario measured.
type Metrics struct {
	// DurationsS are the two downloads' planned lengths in story seconds,
	// [file-1, file-2] (5–10 each, from --seed; the same two in both forms).
	DurationsS []float64 `json:"durations_s"`
	// Goroutines is the goroutine form, or null with --run-as processes.
	Goroutines *FormMetrics `json:"goroutines"`
	// Processes is the child-process form, or null with --run-as goroutines
	// (or where processes are not supported).
	Processes *FormMetrics `json:"processes"`
	// Overlapped: every form that ran took less than the longer download
	// plus half the shorter, i.e. nearer the longer one than the sum.
	Overlapped bool `json:"overlapped"`
}

// FormMetrics is one form's measurements.
type FormMetrics struct {
	// WallMs runs from starting both downloads to joining both; in the
	// process form from starting the first process to reaping the last,
	// so it includes process start-up.
	WallMs     float64 `json:"wall_ms"`
	LongestMs  float64 `json:"longest_ms"`     // the longer download, as it measured itself
	SumMs      float64 `json:"sum_ms"`         // both downloads added up, each as it measured itself
	OverheadMs float64 `json:"overhead_ms"`    // wall_ms - longest_ms
	Pids       []int   `json:"pids,omitempty"` // the process form only: the two children's process ids
	Overlapped bool    `json:"overlapped"`     // this form took less than the longer download plus half the shorter
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "download", ID: "T6",
		Title:  "Two downloads side by side take as long as the longer one, not the sum",
		Python: "threading.Thread and multiprocessing.Process",
		Go:     "goroutines (go + sync.WaitGroup); child processes (os/exec, here through internal/proc)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Choice(&o.Form, "run-as", "run the downloads as goroutines, as child processes, or both in turn", "both", "both", "goroutines", "processes")
			k.Alias("form", "run-as") // the old spelling, for one release
		},
		Explain:  lesson,
		Lesson:   []string{"demos/download/download.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{fetchRole: fetch},
	}.Demo()
}

// span is one download as it happened, on the run's clock.
type span struct {
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}

// clock is what a download needs from whoever runs it: a goroutine uses
// the run's Env, a child process its proc.Self. Both sleep in story seconds
// and read the same clock.
type clock interface {
	Sleep(ctx context.Context, seconds float64) error
	Now() time.Duration
}

// say is how a download reports: Env.Log with its actor, or Self.Log.
type say func(kind ev.Kind, msg string, kv ...any)

// download pretends to fetch file for secs story seconds, reporting its
// progress every fifth of the way. It is the same code in a goroutine and
// in a child process.
func download(ctx context.Context, c clock, log say, file string, secs float64) (span, error) {
	s := span{Start: c.Now()}
	log(ev.Start, fmt.Sprintf("starts downloading %s (%.1f story-seconds)", file, secs), "file", file, "story_s", secs)
	for i := 1; i <= steps; i++ {
		if err := c.Sleep(ctx, secs/steps); err != nil {
			return s, err
		}
		if i < steps {
			log(ev.Step, fmt.Sprintf("%s %d%%", file, 100*i/steps), "file", file, "percent", 100*i/steps)
		}
	}
	s.End = c.Now()
	log(ev.Done, fmt.Sprintf("finished %s after %s", file, ev.Dur(s.End-s.Start)), "file", file, "took_ms", ev.Ms(s.End-s.Start))
	return s, nil
}

// fetchArgs is what the parent hands each child.
type fetchArgs struct {
	File string  `json:"file"`
	Secs float64 `json:"secs"`
}

// fetch is the body of a child process: it waits until both children are
// up, makes one download, then sends its span as the child's result.
func fetch(ctx context.Context, self *proc.Self) error {
	var a fetchArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	s, err := download(ctx, self, self.Log, a.File, a.Secs)
	if err != nil {
		return err
	}
	return self.Result(s)
}

// form is one way of running the two downloads, as measured.
type form struct {
	name  string
	wall  time.Duration // from the first start to the last join
	spans []span
	pids  []int
}

func (f *form) longest() (d time.Duration) {
	for _, s := range f.spans {
		d = max(d, s.End-s.Start)
	}
	return d
}

func (f *form) sum() (d time.Duration) {
	for _, s := range f.spans {
		d += s.End - s.Start
	}
	return d
}

// overlapped says the downloads really ran side by side: the wall time is
// nearer the longer download than the sum (less than the longer one plus
// half of the shorter).
func (f *form) overlapped() bool { return f.wall < f.longest()+(f.sum()-f.longest())/2 }

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	// Two files of 5–10 story-seconds each (to a tenth), drawn up front so
	// --seed replays them; the same two files are fetched in both forms.
	files := []string{"file-1", "file-2"}
	secs := make([]float64, len(files))
	for i := range secs {
		secs[i] = 5 + math.Round(env.Rand.Float64()*50)/10
	}
	which := o.Form
	var forms []*form

	if which != "processes" {
		env.Phase("goroutines: two downloads, each in its own goroutine")
		f, err := withGoroutines(ctx, env, files, secs)
		if err != nil {
			return ev.Result{}, err
		}
		forms = append(forms, f)
	}
	if which != "goroutines" {
		env.Phase("processes: two downloads, each in its own child process")
		if err := proc.Supported(); err != nil {
			if which == "processes" {
				return ev.Result{}, err
			}
			env.Log("main", ev.Warn, "skipping the process form: "+err.Error())
		} else {
			f, err := withProcesses(ctx, env, files, secs)
			if err != nil {
				return ev.Result{}, err
			}
			forms = append(forms, f)
		}
	}
	return conclude(secs, forms), nil
}

// withGoroutines starts one goroutine per download and joins both.
func withGoroutines(ctx context.Context, env *demos.Env, files []string, secs []float64) (*form, error) {
	f := &form{name: "goroutines", spans: make([]span, len(files))}
	errs := make([]error, len(files))
	start := env.Now()
	var wg sync.WaitGroup
	for i, file := range files {
		name := fmt.Sprintf("download-%d", i+1)
		wg.Go(func() {
			log := func(kind ev.Kind, msg string, kv ...any) { env.Log(name, kind, msg, kv...) }
			f.spans[i], errs[i] = download(ctx, env, log, file, secs[i])
		})
	}
	env.Log("main", ev.Wait, "started both goroutines; joins them")
	wg.Wait()
	f.wall = env.Now() - start
	if err := errors.Join(errs...); err != nil {
		return nil, demos.Stopped(ctx) // a download fails only when the run is stopped
	}
	env.Log("main", ev.Done, fmt.Sprintf("both downloads done after %s", ev.Dur(f.wall)), "wall_ms", ev.Ms(f.wall))
	return f, nil
}

// withProcesses starts one child process per download — a copy of this
// program — lets both go together once both are up, and waits for both.
// Starting a process costs milliseconds, and that cost is inside the
// measured wall time.
func withProcesses(ctx context.Context, env *demos.Env, files []string, secs []float64) (*form, error) {
	f := &form{name: "processes", spans: make([]span, len(files))}
	members := make([]proc.Member, len(files))
	for i, file := range files {
		members[i] = proc.Member{Name: fmt.Sprintf("download-%d", i+1), Args: fetchArgs{File: file, Secs: secs[i]}}
	}
	start := env.Now()
	g, err := env.Group(ctx, fetchRole, members)
	if err != nil {
		return nil, err
	}
	defer g.Kill() // on every path, no child outlives this function
	for i, c := range g.Children() {
		f.pids = append(f.pids, c.Pid)
		env.Log("main", ev.Start, fmt.Sprintf("started process %d for %s", c.Pid, files[i]), "pid", c.Pid)
	}
	env.Log("main", ev.Wait, "started both processes; lets them go together once both are up, and waits for them")
	if err := g.Start(ctx); err != nil {
		return nil, err
	}
	if err := g.Wait(ctx); err != nil {
		return nil, err // demos.Stopped(ctx) if the run was stopped
	}
	for i, c := range g.Children() {
		if err := c.Result(&f.spans[i]); err != nil {
			return nil, err
		}
	}
	f.wall = env.Now() - start
	env.Log("main", ev.Done, fmt.Sprintf("both processes done and reaped after %s", ev.Dur(f.wall)), "wall_ms", ev.Ms(f.wall))
	return f, nil
}

func conclude(secs []float64, forms []*form) ev.Result {
	m := Metrics{DurationsS: secs}
	tb := ev.Table{Title: "downloads", Header: []string{"form", "file", "story s", "started", "finished", "took"}}
	res := ev.Result{}
	overlapped := len(forms) > 0
	// Each form is judged on its own numbers, and the verdict speaks of
	// every form: one that did not overlap is named as such.
	var good, bad []string
	for _, f := range forms {
		longest, sum := f.longest(), f.sum()
		fm := &FormMetrics{WallMs: ev.Ms(f.wall), LongestMs: ev.Ms(longest), SumMs: ev.Ms(sum),
			OverheadMs: ev.Ms(f.wall - longest), Pids: f.pids, Overlapped: f.overlapped()}
		part := fmt.Sprintf("%s took %s (the longer download %s, the sum %s)", f.name, ev.Dur(f.wall), ev.Dur(longest), ev.Dur(sum))
		if f.pids != nil {
			pids := make([]string, len(f.pids))
			for i, p := range f.pids {
				pids[i] = strconv.Itoa(p)
			}
			part = strings.Replace(part, f.name, f.name+" (pids "+strings.Join(pids, ", ")+")", 1)
		}
		if f.name == "processes" {
			m.Processes = fm
		} else {
			m.Goroutines = fm
		}
		if f.overlapped() {
			good = append(good, part)
		} else {
			bad = append(bad, part)
		}
		overlapped = overlapped && f.overlapped()
		for i, s := range f.spans {
			tb.Rows = append(tb.Rows, []string{f.name, fmt.Sprintf("file-%d", i+1), fmt.Sprintf("%.1f", secs[i]),
				"+" + ev.Dur(s.Start), "+" + ev.Dur(s.End), ev.Dur(s.End - s.Start)})
		}
		res.Timing = append(res.Timing, ev.Timing{Label: f.name + ": both downloads", D: f.wall},
			ev.Timing{Label: f.name + ": the longer download", D: longest}, ev.Timing{Label: f.name + ": both, one after the other", D: sum})
	}
	m.Overlapped = overlapped
	res.Metrics, res.Tables = m, []ev.Table{tb}
	switch {
	case len(forms) == 0:
		res.Verdict = "no form could run here"
		res.Hint = "--run-as goroutines"
	case overlapped:
		res.Observed = true
		res.Verdict = fmt.Sprintf("downloads of %.1f and %.1f story-seconds: %s — about the longer one, not the sum: they ran side by side",
			secs[0], secs[1], strings.Join(good, "; "))
	default:
		res.Verdict = fmt.Sprintf("downloads of %.1f and %.1f story-seconds: %s — nearer the sum than the longer one: not side by side this time",
			secs[0], secs[1], strings.Join(bad, "; "))
		if len(good) > 0 {
			res.Verdict += fmt.Sprintf("; %s — side by side", strings.Join(good, "; "))
		}
		res.Hint = demos.PaceHint
		if slices.ContainsFunc(forms, func(f *form) bool { return f.pids != nil && !f.overlapped() }) {
			res.Hint += ": at high speed, starting a process can take as long as a download"
		}
	}
	return res
}
