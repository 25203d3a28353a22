package proc

import (
	"encoding/json"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// EnvRole is the environment variable that turns a copy of the binary into
// a child: its value is the role to play.
const EnvRole = "PARDEMO_CHILD"

// envControl, when not empty, is the file descriptor a child speaks the
// protocol on instead of its standard output (Spec.OnOutput, Spec.Stdout);
// envFiles is how many extra files (Spec.ExtraFiles) it was given, from
// fd 3 on.
const (
	envControl = "PARDEMO_CONTROL_FD"
	envFiles   = "PARDEMO_FILES"
)

// hello is the first line a child reads.
type hello struct {
	Name  string          `json:"name"`
	Args  json.RawMessage `json:"args,omitempty"`
	Speed float64         `json:"speed"`
	Seed  int64           `json:"seed"`
	// Epoch is the parent's clock zero in Unix nanoseconds: a child stamps
	// its events with time.Now() minus Epoch, which puts them on the
	// parent's timeline (both read the same system clock).
	Epoch int64 `json:"epoch"`
}

// task is every later line a child reads: a task for Self.Work, or the
// release from the start line (Release set, nothing else).
type task struct {
	ID      uint64          `json:"id"`
	Data    json.RawMessage `json:"data"`
	Release bool            `json:"release,omitempty"`
}

// Line types a child writes.
const (
	lineEvent  = "event"
	lineReply  = "reply"
	lineResult = "result"
	lineError  = "error"
	lineBeat   = "beat"
	lineSleep  = "sleep" // about to sleep for line.Sleep (real time)
	lineReady  = "ready" // at the start line, waiting for the release
)

// line is one thing a child writes.
type line struct {
	Type  string          `json:"type"`
	Actor string          `json:"actor,omitempty"` // a grandchild's event, passed on
	T     time.Duration   `json:"t,omitempty"`     // on the parent's clock
	Kind  ev.Kind         `json:"kind,omitempty"`
	Msg   string          `json:"msg,omitempty"`
	Attrs map[string]any  `json:"attrs,omitempty"`
	Tone  ev.Tone         `json:"tone,omitempty"`
	ID    uint64          `json:"id,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Err   string          `json:"err,omitempty"`
	Sleep time.Duration   `json:"sleep,omitempty"` // a sleep line's real duration
}
