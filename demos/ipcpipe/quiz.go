package ipcpipe

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal part of `pardemo ipc pipe --quiz`: what
// the parent's receive does once the child's end is gone, and what a send
// to a gone child does. Both answers are what the calls returned in this
// run.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		if o.End == "die" {
			return "The child dies half-way through sending its second message. " +
				"What does the parent's receive do?"
		}
		return "The child sends two messages and closes its end. What does the parent's third receive do?"
	},
	Choices: []string{
		"waits for ever: no message is coming",
		"returns whatever bytes arrived, as a message",
		"reports end of stream, at once",
		"reports that the other side died mid-message",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		wait := ev.Dur(time.Duration(m.ThirdWaitMs * float64(time.Millisecond)))
		switch {
		case m.EndOfStream:
			return 2, fmt.Sprintf("after %d messages it reported end of stream in %s", len(m.Received), wait)
		case m.PeerDied:
			return 3, fmt.Sprintf("after %d message(s) it reported the child gone mid-message", len(m.Received))
		}
		return -1, fmt.Sprintf("after %d message(s) it returned %q in %s", len(m.Received), m.Third, wait)
	},
	Why: "once every copy of the writing end is closed, the kernel knows no byte can come (read returns 0); " +
		"a message cut short means the writer died; Python's recv raises EOFError, or OSError for a cut message",
}, {
	Ask: "The child has ended. What does the parent's next send to it do?",
	Choices: []string{
		"blocks until somebody reads it",
		"succeeds: the bytes wait in the pipe's buffer",
		"fails at once with an error (broken pipe)",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		if m.SendAfterEnd == "<nil>" || m.SendAfterEnd == "" {
			return 1, "two sends in a row returned no error"
		}
		return 2, "it failed: " + m.SendAfterEnd
	},
	Why: "with no reader left the kernel refuses the write with EPIPE; Go ignores the SIGPIPE for pipes other than " +
		"stdout and returns the error, and Python raises BrokenPipeError",
}}
