// Package ev is the vocabulary every part of pardemo shares: what an event
// is (Event, Kind, Tone), what a scenario concludes (Result, Timing, Table),
// how a run is introduced (Header), and the formatting a lesson's sentences
// need (Int, Dur, Ms, Float). It imports nothing of the project, so
// scenarios, child processes and renderers can all depend on it while none
// of them depends on another.
package ev

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Kind says what an event is about. Renderers use it for markers and colour;
// scripts use it to filter.
type Kind string

// The event kinds. A scenario may use any of them; they are a vocabulary, not
// a protocol, so a new kind only needs a marker in the text renderer.
const (
	Start   Kind = "start"   // an actor begins
	Acquire Kind = "acquire" // took a lock, a semaphore slot, a ticket
	Release Kind = "release" // gave it back
	Wait    Kind = "wait"    // about to block
	Wake    Kind = "wake"    // unblocked
	Send    Kind = "send"    // put something on a queue, pipe or socket
	Recv    Kind = "recv"    // took something off one
	Step    Kind = "step"    // an ordinary step of work
	Note    Kind = "note"    // an explanation for the learner
	Warn    Kind = "warn"    // something went wrong or looks suspicious
	Phase   Kind = "phase"   // a new part of the scenario begins
	Done    Kind = "done"    // an actor finished
)

// Tone asks the text renderer for a specific colour regardless of the actor,
// for lessons where the colour is the meaning (a red or green light).
type Tone string

// Attributes with a meaning for the renderers: an event carrying done and
// total (and a label in progress) is a progress report. The text renderer
// may draw it as a bar; JSON passes it on as it is.
const (
	AttrDone     = "done"
	AttrTotal    = "total"
	AttrProgress = "progress"
)

// Tones the text renderer knows.
const (
	ToneNone  Tone = ""
	ToneRed   Tone = "red"
	ToneGreen Tone = "green"
)

// Event is one thing that happened, as a scenario reports it.
type Event struct {
	T     time.Duration  // since the scenario started; set by the Recorder unless already set
	Actor string         // who: "adder", "car-3", "pid 4242"
	Kind  Kind           // what sort of thing
	Msg   string         // one human sentence
	Attrs map[string]any // structured facts for scripts (may be nil)
	Tone  Tone           // optional colour override (text only)
}

// Header introduces one scenario run.
type Header struct {
	Demo   string // command path, "race" or "pool primes"
	ID     string // catalogue id, "S1"
	Title  string // the one-line lesson
	Python string // the cookbook primitive
	Go     string // what Go uses instead
	Seed   int64
	Speed  float64
	Params []Param // the knobs the user changed, in declaration order
	// Knobs is every knob's value in this run, typed (int64, float64,
	// bool, string, []int64), keyed by knob name: the JSON result's knobs.
	Knobs map[string]any
}

// Param is one knob and the value it had in this run.
type Param struct {
	Name  string
	Value string
}

// Timing is one line of a result's timing block.
type Timing struct {
	Label string
	D     time.Duration
}

// Table is a small grid a result can carry for the text view (a comparison
// of modes, a histogram of trials). The same numbers live in Metrics for JSON.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
}

// Result is what a scenario concludes from what it observed.
type Result struct {
	Verdict  string // one line, computed from this run
	Observed bool   // did the lesson show up this run?
	Hint     string // when it did not: the knob that provokes it
	// Short is the verdict in a few words (at most ShortMax runes) for
	// run-all's summary; empty: ShortVerdict shortens Verdict.
	Short string
	// Metrics is the scenario's typed metrics struct (JSON-tagged, one doc
	// comment per field): the numbers scripts and autograders read.
	Metrics any
	Timing  []Timing // the timing block
	Tables  []Table  // optional grids for the text view
	// Quiz is the reveal of a `--quiz` run: the guesses and the answers
	// the run measured (nil without --quiz). The framework sets it.
	Quiz *Quiz
}

// ShortMax is the longest short verdict run-all's summary shows.
const ShortMax = 48

// ShortVerdict is r's verdict in at most ShortMax runes: Short if given,
// else Verdict up to its first ";", " — " or ": " clause, cut at a word
// with "…" if still too long.
func (r Result) ShortVerdict() string {
	s := r.Short
	if s == "" {
		s = r.Verdict
		// The first clause that says something: cut at the first clause
		// break at least 16 runes in.
		cut := len(s)
		for _, sep := range []string{"; ", " — ", ": ", ", so ", ", but ", " ("} {
			for i := 0; i < len(s); {
				j := strings.Index(s[i:], sep)
				if j < 0 {
					break
				}
				if at := i + j; utf8.RuneCountInString(s[:at]) >= 16 {
					cut = min(cut, at)
					break
				}
				i += j + len(sep)
			}
		}
		s = s[:cut]
	}
	return Clip(s, ShortMax)
}

// Clip cuts s to at most n runes, at a word boundary when there is one,
// ending in "…".
func Clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
