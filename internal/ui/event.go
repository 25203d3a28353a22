// Package ui is the output side of pardemo: the terminal seam (IO streams and
// colour), the recorder that stamps and orders events, and the renderers that
// turn events and results into text or JSON. Scenarios never print; they emit
// events, and exactly one renderer decides what a person or a script sees.
package ui

import "time"

// Kind says what an event is about. Renderers use it for markers and colour;
// scripts use it to filter.
type Kind string

// The event kinds. A scenario may use any of them; they are a vocabulary, not
// a protocol, so a new kind only needs a marker in the text renderer.
const (
	KindStart   Kind = "start"   // an actor begins
	KindAcquire Kind = "acquire" // took a lock, a semaphore slot, a ticket
	KindRelease Kind = "release" // gave it back
	KindWait    Kind = "wait"    // about to block
	KindWake    Kind = "wake"    // unblocked
	KindSend    Kind = "send"    // put something on a queue, pipe or socket
	KindRecv    Kind = "recv"    // took something off one
	KindStep    Kind = "step"    // an ordinary step of work
	KindNote    Kind = "note"    // an explanation for the learner
	KindWarn    Kind = "warn"    // something went wrong or looks suspicious
	KindPhase   Kind = "phase"   // a new part of the scenario begins
	KindDone    Kind = "done"    // an actor finished
)

// Tone asks the text renderer for a specific colour regardless of the actor,
// for lessons where the colour is the meaning (a red or green light).
type Tone string

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
	Verdict  string         // one line, computed from this run
	Observed bool           // did the lesson show up this run?
	Hint     string         // when it did not: the knob that provokes it
	Metrics  map[string]any // numbers for scripts and autograders
	Timing   []Timing       // the timing block
	Tables   []Table        // optional grids for the text view
}
