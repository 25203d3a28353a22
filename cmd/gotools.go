package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"

	"github.com/pardemo/pardemo/internal/ui"
)

// Go's own tools on a run (issue 15 §4): --trace FILE writes a
// runtime/trace of it for `go tool trace`, --cpuprofile FILE a pprof CPU
// profile for `go tool pprof`. Both cover pardemo's own process: a
// scenario's child processes are other programs, whose work shows in
// neither file (for a process pool, that is where the work is).
//
// They record one run of one scenario. run-all, verify, --trials above 1
// and a sweep (--workers 1,2,4) refuse them with one line (usage, exit 2): a trace of a whole course
// is hundreds of megabytes nobody opens, and a profile summed over many
// trials or scenarios answers no one question. A scenario's own knob of
// that name (race's --trials) is part of its one run, and works.

// tools is the --trace and --cpuprofile files of one run.
type tools struct {
	trace, prof *os.File
}

// toolFlags are the global flags of this file, for the refusals.
func (a *app) toolFlags() []string {
	var on []string
	if a.trace != "" {
		on = append(on, "--trace")
	}
	if a.cpuprofile != "" {
		on = append(on, "--cpuprofile")
	}
	return on
}

// refuseTools is the one-line usage error for a command that runs more
// than one scenario or trial, when --trace or --cpuprofile was given.
func (a *app) refuseTools(what string) error {
	on := a.toolFlags()
	if len(on) == 0 {
		return nil
	}
	return usagef("%s records one run of one scenario: it does not apply to %s (run the scenario on its own)", on[0], what)
}

// startTools opens the files and starts the trace and the profile, for a
// scenario command; trials is its generic --trials (nil when it has none),
// sweep whether its pool-size knob was given a list (a sweep of many runs).
// An unusable file name is a usage error, found before anything runs. The
// caller must call stopTools on every path once the run is over; the run
// itself wraps its renderer with a.tools.wrap.
func (a *app) startTools(trials *int, sweep bool) (*tools, error) {
	t := &tools{}
	if len(a.toolFlags()) == 0 {
		return t, nil
	}
	if trials != nil && *trials > 1 {
		return nil, a.refuseTools("--trials")
	}
	if sweep {
		return nil, a.refuseTools("a sweep (a list of counts)")
	}
	if a.trace != "" && a.cpuprofile != "" && samePath(a.trace, a.cpuprofile) {
		return nil, usagef("--trace and --cpuprofile name the same file %q: give each its own", a.trace)
	}
	open := func(flag, name string) (*os.File, error) {
		if name == "-" {
			return nil, usagef("%s needs a file name: standard output carries the run", flag)
		}
		f, err := os.Create(name)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, usagef("%s %s: cannot write the file: %v", flag, name, err)
		}
		return f, nil
	}
	var err error
	if a.trace != "" {
		if t.trace, err = open("--trace", a.trace); err != nil {
			return nil, err
		}
	}
	if a.cpuprofile != "" {
		if t.prof, err = open("--cpuprofile", a.cpuprofile); err != nil {
			t.discard()
			return nil, err
		}
	}
	if t.trace != nil {
		if err := trace.Start(t.trace); err != nil {
			t.discard()
			return nil, fmt.Errorf("--trace: %v", err)
		}
	}
	if t.prof != nil {
		if err := pprof.StartCPUProfile(t.prof); err != nil {
			if t.trace != nil {
				trace.Stop()
			}
			t.discard()
			return nil, fmt.Errorf("--cpuprofile: %v", err)
		}
	}
	a.tools = t
	return t, nil
}

// wrap puts the run's actors into the trace (ui.Traced) when tracing.
// A nil *tools (no scenario command started it) wraps nothing.
func (t *tools) wrap(r ui.Renderer) ui.Renderer {
	if t == nil || t.trace == nil {
		return r
	}
	return ui.NewTraced(r)
}

// stopTools ends the profile and the trace, flushes and closes the files,
// and after a run that succeeded says on stderr how to open them. *err is the run's error: a file that
// could not be completed is one only when the run itself succeeded.
func (a *app) stopTools(t *tools, err *error) {
	a.tools = nil
	traced, profiled := t.trace != nil, t.prof != nil
	if profiled {
		pprof.StopCPUProfile()
	}
	if traced {
		trace.Stop()
	}
	if cerr := t.closeFiles(); cerr != nil {
		if *err == nil {
			*err = cerr
		}
		return
	}
	if *err != nil {
		return // the files are complete, but a failed run says one line: its error
	}
	if traced {
		fmt.Fprintf(a.io.Err, "pardemo: wrote the trace of this process (not its child processes): go tool trace %s\n", a.trace)
	}
	if profiled {
		fmt.Fprintf(a.io.Err, "pardemo: wrote the CPU profile of this process (not its child processes): go tool pprof -top %s\n", a.cpuprofile)
	}
}

// discard closes and removes the files of a run that never started.
func (t *tools) discard() {
	var names []string
	for _, f := range []*os.File{t.trace, t.prof} {
		if f != nil {
			names = append(names, f.Name())
		}
	}
	_ = t.closeFiles()
	for _, n := range names {
		_ = os.Remove(n)
	}
}

// closeFiles closes both files; the first error wins.
func (t *tools) closeFiles() error {
	var first error
	for _, f := range []*os.File{t.trace, t.prof} {
		if f == nil {
			continue
		}
		if err := f.Close(); err != nil && first == nil {
			first = fmt.Errorf("%s: %v", f.Name(), err)
		}
	}
	t.trace, t.prof = nil, nil
	return first
}

// samePath reports whether two file names are one file (by name, before
// either exists).
func samePath(x, y string) bool {
	ax, err1 := filepath.Abs(x)
	ay, err2 := filepath.Abs(y)
	return err1 == nil && err2 == nil && ax == ay
}
