package ui

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// Streams is the terminal seam: every byte pardemo reads or writes goes
// through it, so tests can capture output and pretend to be (or not be) a
// terminal.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool       // stdout is a terminal: colour and animation are allowed
	InTTY  bool       // stdin is a terminal: pausing for Enter makes sense
	Width  func() int // stdout's width in columns, 0 if unknown (may be nil)
	Env    func(string) string
}

// System returns the process's real streams.
func System() *Streams {
	return &Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		OutTTY: isTerminal(os.Stdout), InTTY: isTerminal(os.Stdin),
		Env: os.Getenv,
		Width: func() int {
			// mpb draws nothing on a terminal that reports no size (some
			// pseudo-terminals report 0 rows or columns): 0 asks for plain
			// progress lines instead.
			w, h, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil || h <= 0 {
				return 0
			}
			return w
		},
	}
}

// Test returns streams backed by buffers; the terminal flags start false.
func Test() (s *Streams, out, errOut *bytes.Buffer) {
	out, errOut = new(bytes.Buffer), new(bytes.Buffer)
	return &Streams{In: new(bytes.Buffer), Out: out, Err: errOut, Env: func(string) string { return "" }}, out, errOut
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// UseColor decides colour from the --color setting, the environment and
// whether stdout is a terminal. mode is "auto", "always" or "never"; the
// flag wins over the environment. In auto: NO_COLOR (any value) turns
// colour off; otherwise FORCE_COLOR or CLICOLOR_FORCE (any value but "0"
// or "false") turns it on even into a pipe, for a pager (`| less -R`);
// otherwise TERM=dumb turns it off and a terminal turns it on.
func (s *Streams) UseColor(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if s.Env != nil && s.Env("NO_COLOR") != "" {
		return false
	}
	if s.Env != nil {
		for _, v := range []string{s.Env("FORCE_COLOR"), s.Env("CLICOLOR_FORCE")} {
			if v != "" && v != "0" && v != "false" {
				return true
			}
		}
	}
	if s.Env != nil && s.Env("TERM") == "dumb" {
		return false
	}
	return s.OutTTY
}
