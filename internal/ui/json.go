package ui

import (
	"encoding/json"
	"io"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// JSON renders one JSON object per line, for scripts and autograders. The
// line types and their fields are documented in docs/json.md.
type JSON struct {
	w   *ErrWriter
	enc *json.Encoder
}

// NewJSON writes JSON lines to w.
func NewJSON(w io.Writer) *JSON {
	ew := NewErrWriter(w)
	enc := json.NewEncoder(ew)
	enc.SetEscapeHTML(false)
	return &JSON{w: ew, enc: enc}
}

// Err is the first failed write, or nil. Encode writes a whole line in one
// call, so a line is either out or the error is remembered.
func (j *JSON) Err() error { return j.w.Err() }

// Probe is Err that also notices an output gone away without a write
// (see ErrWriter.Probe).
func (j *JSON) Probe() error { return j.w.Probe() }

// EventLine is the JSON form of an Event.
type EventLine struct {
	Type  string         `json:"type"`
	TMs   float64        `json:"t_ms"`
	Actor string         `json:"actor"`
	Kind  ev.Kind        `json:"kind"`
	Msg   string         `json:"msg"`
	Attrs map[string]any `json:"attrs"`
	Tone  ev.Tone        `json:"tone,omitempty"`
}

// Schema is the version of the JSON lines' layout (docs/json.md). It
// goes up when a field changes meaning or goes away; new fields alone do
// not change it.
const Schema = 2

// ResultLine is the JSON form of a Result: always the last line of a run.
type ResultLine struct {
	Type           string         `json:"type"`
	Schema         int            `json:"schema"`
	Demo           string         `json:"demo"`
	Seed           int64          `json:"seed"`
	Speed          float64        `json:"speed"`
	Knobs          map[string]any `json:"knobs"`
	WallMs         float64        `json:"wall_ms"`
	Verdict        string         `json:"verdict"`
	LessonObserved bool           `json:"lesson_observed"`
	Hint           string         `json:"hint,omitempty"`
	Metrics        any            `json:"metrics"`
	Quiz           *QuizJSON      `json:"quiz,omitempty"` // --quiz: the guesses, the measured answers, the score
}

// ErrorLine reports a run that ended with an error.
type ErrorLine struct {
	Type     string `json:"type"`
	Demo     string `json:"demo,omitempty"`
	Msg      string `json:"msg"`
	ExitCode int    `json:"exit_code"`
}

// SummaryLine closes run-all.
type SummaryLine struct {
	Type  string           `json:"type"`
	Demos []SummaryRowJSON `json:"demos"`
}

// SummaryRowJSON is one scenario in SummaryLine.
type SummaryRowJSON struct {
	Demo           string  `json:"demo"`
	WallMs         float64 `json:"wall_ms"`
	Verdict        string  `json:"verdict"`
	Short          string  `json:"short_verdict"`
	LessonObserved bool    `json:"lesson_observed"`
	Failed         bool    `json:"failed"`
	// Quiz is run-all --quiz's score for the scenario (omitted without --quiz).
	Quiz *QuizScoreJSON `json:"quiz,omitempty"`
}

// QuizScoreJSON is a summary row's quiz score: right guesses of scored
// questions, and how many were asked.
type QuizScoreJSON struct {
	Score int `json:"score"`
	Of    int `json:"of"`
	Asked int `json:"asked"`
}

// Begin writes nothing: the seed and speed travel in the result line.
func (j *JSON) Begin(ev.Header) {}

// Event writes an event line.
func (j *JSON) Event(e ev.Event) {
	attrs := e.Attrs
	if attrs == nil {
		attrs = map[string]any{}
	}
	_ = j.enc.Encode(EventLine{Type: "event", TMs: ev.Ms(e.T), Actor: e.Actor, Kind: e.Kind, Msg: e.Msg, Attrs: attrs, Tone: e.Tone})
}

// End writes the result line.
func (j *JSON) End(h ev.Header, r ev.Result, wall time.Duration) {
	m := r.Metrics
	if m == nil {
		m = struct{}{}
	}
	knobs := h.Knobs
	if knobs == nil {
		knobs = map[string]any{}
	}
	_ = j.enc.Encode(ResultLine{Type: "result", Schema: Schema, Demo: h.Demo, Seed: h.Seed, Speed: h.Speed, Knobs: knobs, WallMs: ev.Ms(wall),
		Verdict: r.Verdict, LessonObserved: r.Observed, Hint: r.Hint, Metrics: m, Quiz: quizJSON(r.Quiz)})
}

// Fail writes an error line.
func (j *JSON) Fail(h ev.Header, msg string, code int) {
	_ = j.enc.Encode(ErrorLine{Type: "error", Demo: h.Demo, Msg: msg, ExitCode: code})
}

// Summary writes run-all's closing line.
func (j *JSON) Summary(rows []SummaryRow) {
	s := SummaryLine{Type: "summary", Demos: []SummaryRowJSON{}}
	for _, r := range rows {
		row := SummaryRowJSON{Demo: r.Demo, WallMs: ev.Ms(r.Wall), Verdict: r.Verdict, Short: r.Short, LessonObserved: r.Observed, Failed: r.Failed}
		if r.Quiz != nil {
			right, of := r.Quiz.Score()
			row.Quiz = &QuizScoreJSON{Score: right, Of: of, Asked: len(r.Quiz.Items)}
		}
		s.Demos = append(s.Demos, row)
	}
	_ = j.enc.Encode(s)
}

// Capture is a Renderer that keeps everything in memory, for tests that
// assert on what happened rather than on how it looked.
type Capture struct {
	Headers []ev.Header
	Events  []ev.Event
	Results []ev.Result
	Walls   []time.Duration
	Fails   []string
	Rows    []SummaryRow
}

func (c *Capture) Begin(h ev.Header)         { c.Headers = append(c.Headers, h) }
func (c *Capture) Event(e ev.Event)          { c.Events = append(c.Events, e) }
func (c *Capture) Summary(rows []SummaryRow) { c.Rows = append(c.Rows, rows...) }
func (c *Capture) End(h ev.Header, r ev.Result, wall time.Duration) {
	c.Results = append(c.Results, r)
	c.Walls = append(c.Walls, wall)
}
func (c *Capture) Fail(h ev.Header, msg string, code int) { c.Fails = append(c.Fails, msg) }
func (c *Capture) Err() error                             { return nil }

// Of returns the captured events of one actor.
func (c *Capture) Of(actor string) []ev.Event {
	var out []ev.Event
	for _, e := range c.Events {
		if e.Actor == actor {
			out = append(out, e)
		}
	}
	return out
}
