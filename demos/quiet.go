package demos

import (
	"fmt"

	"github.com/pardemo/pardemo/internal/ev"
)

// Quiet is how much of a run is shown (Config.Quiet, the --quiet flag).
type Quiet int

const (
	// QuietAuto shows every event unless the scenario announces a flood
	// (Env.Flood) of more than FloodLines routine events; then it shows
	// only the key events, and says so in a note.
	QuietAuto Quiet = iota
	// QuietOn (--quiet) shows the key events only: Detail events are left out.
	QuietOn
	// QuietOff (--quiet=false, and --json unless --quiet is given) shows
	// every event.
	QuietOff
)

// FloodLines is the most routine lines a default run prints before it turns
// quiet by itself: a run's whole output should fit about 60 lines, and a
// class cannot follow more.
const FloodLines = 40

// Quiet reports whether routine (Detail) events are being left out.
func (e *Env) Quiet() bool { return e.quiet.Load() }

// Flood announces that the run is about to emit n routine events (one per
// worker, per item, per round: the Detail lines). In the default mode a
// flood above FloodLines turns the run quiet, with a note that says how to
// see every line; --quiet and --quiet=false decide for themselves. Call it
// once, when n is known (from the knobs), before the first Detail.
func (e *Env) Flood(n int, what string) {
	if e.quietMode != QuietAuto || n <= FloodLines {
		return
	}
	e.quiet.Store(true)
	e.Log("main", ev.Note, fmt.Sprintf("key events only: %s routine lines (%s) are left out; --quiet=false shows every one", ev.Int(n), what),
		"quiet", true, "left_out", n)
}

// Detail emits a routine event, one of many alike ("worker-7 got a
// permit"). In quiet mode it is left out: it still counts as progress for
// the watchdog, and the Recorder counts what was left out. Key events (the
// first and last of a kind, a phase, a warning, the lesson's moment) use
// Log, which always shows.
func (e *Env) Detail(actor string, kind ev.Kind, msg string, kv ...any) {
	if e.quiet.Load() {
		e.beats.Add(1)
		e.hidden.Add(1)
		return
	}
	e.Log(actor, kind, msg, kv...)
}

// Detailf is Detail with a formatted message and no attributes.
func (e *Env) Detailf(actor string, kind ev.Kind, format string, args ...any) {
	if e.quiet.Load() {
		e.beats.Add(1)
		e.hidden.Add(1)
		return
	}
	e.Logf(actor, kind, format, args...)
}

// Hidden is how many Detail events quiet mode has left out so far.
func (e *Env) Hidden() int64 { return e.hidden.Load() }
