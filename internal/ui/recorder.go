package ui

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Renderer turns a run into output. Begin and End bracket one scenario;
// Event is called in order, from one goroutine at a time (the Recorder
// serialises). A new view of the same run — a timeline, a histogram over
// many results — is a new Renderer and touches no scenario.
type Renderer interface {
	Begin(h ev.Header)
	Event(e ev.Event)
	End(h ev.Header, r ev.Result, wall time.Duration)
	Fail(h ev.Header, msg string, code int)
	Summary(rows []SummaryRow)
	// Err is the first write that failed (a *WriteError), or nil. After
	// one, the renderer writes nothing more; the run it renders should stop,
	// and pardemo exits 1.
	Err() error
}

// SummaryRow is one scenario's line in run-all's closing table.
type SummaryRow struct {
	Demo     string
	Chapter  int // the scenario's chapter, for a summary too long for one line each
	Wall     time.Duration
	Verdict  string
	Short    string // the verdict in a few words (ev.Result.ShortVerdict)
	Observed bool
	Failed   bool     // the scenario returned an error instead of a result
	Quiz     *ev.Quiz // run-all --quiz: the scenario's reveal (nil: no quiz)
}

// Recorder is the single path every event takes: it stamps the time since
// the run started, keeps the order, and hands the event to the renderer.
//
// Emitting takes a lock, and a lock puts goroutines in a line. That is why
// race scenarios never emit from inside their hot loop.
type Recorder struct {
	mu     sync.Mutex
	start  time.Time
	out    Renderer
	last   map[string]ev.Event
	order  []string
	n      atomic.Uint64
	lastT  time.Duration // the latest stamp handed out
	closed bool
}

// NewRecorder starts the clock now.
func NewRecorder(out Renderer) *Recorder {
	return &Recorder{start: time.Now(), out: out, last: map[string]ev.Event{}}
}

// Since is the time since the recorder started, the clock events are stamped with.
func (r *Recorder) Since() time.Duration { return time.Since(r.start) }

// Emit stamps e and renders it. An event that already carries a time (a
// child process stamped it on this clock, see Epoch) keeps it, unless it
// arrives after a later-stamped event: stamps never go backwards
// (docs/json.md promises a non-decreasing t_ms), so such an event gets the
// latest stamp, and its own is kept in the attribute "child_t_ms".
func (r *Recorder) Emit(e ev.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.T == 0 {
		e.T = time.Since(r.start)
	}
	if e.T < r.lastT {
		attrs := make(map[string]any, len(e.Attrs)+1)
		for k, v := range e.Attrs {
			attrs[k] = v
		}
		attrs["child_t_ms"] = ev.Ms(e.T)
		e.Attrs, e.T = attrs, r.lastT
	}
	r.lastT = e.T
	r.record(e)
}

// Epoch is the wall-clock moment the recorder's clock reads zero. Another
// process can stamp events on this clock with time.Since(Epoch()).
func (r *Recorder) Epoch() time.Time { return r.start }

// Close runs last (the renderer's End or Fail) under the recorder's lock
// and drops every later event, so the verdict is always the last word even
// if a goroutine the scenario failed to stop tries to speak after it.
func (r *Recorder) Close(last func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	last()
}

func (r *Recorder) record(e ev.Event) {
	if r.closed {
		return
	}
	if _, seen := r.last[e.Actor]; !seen {
		r.order = append(r.order, e.Actor)
	}
	r.last[e.Actor] = e
	r.n.Add(1)
	r.out.Event(e)
}

// Count is how many events have been emitted; the watchdog reads it to tell
// progress from a stall without taking the lock.
func (r *Recorder) Count() uint64 { return r.n.Load() }

// LastHeard returns the latest event of every actor, in order of first
// appearance: the raw material of a stall explanation.
func (r *Recorder) LastHeard() []ev.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]ev.Event, 0, len(r.order))
	for _, a := range r.order {
		out = append(out, r.last[a])
	}
	return out
}
