package procprintlock

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal of `pardemo proc print-lock --quiz`: how
// many lines come out whole (read from the pipe, so --lock changes the
// answer), and whether colliding writes lose bytes.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		how := "no lock"
		if o.Lock {
			how = "each holding a file lock for its line"
		}
		return fmt.Sprintf("%d processes each write one line in %d pieces to one shared stdout, %s. How many lines come out whole?",
			o.Children, o.Pieces, how)
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("all %d: each child writes its own line", o.Children),
			"most, with a few mangled",
			"half of them or fewer",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d of %d lines whole, %d mangled", m.WholeLines, m.Lines, m.MangledLines)
		switch {
		case m.MangledLines == 0 && m.WholeLines == m.Children:
			return 0, measured
		case m.WholeLines*2 > m.Lines:
			return 1, measured
		}
		return 2, measured
	},
	Why: "each piece is one write(2) to a shared pipe: the OS keeps each small write whole, not each line; Python's buffered one-line print seldom mangles",
}, {
	AskFor: func(o *Options) string {
		return fmt.Sprintf("Together they write %s bytes into the one pipe. Do all of them arrive?", ev.Int(o.Children*(o.Pieces*o.Piece+1)))
	},
	Choices: []string{
		"no: writes that collide overwrite each other",
		"yes, every byte arrives",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("read %s of the %s bytes written", ev.Int(m.BytesRead), ev.Int(m.BytesExpected))
		if m.NothingLost {
			return 1, measured + ", every child's letters all there"
		}
		return 0, measured
	},
	Why: "a pipe queues every write in full (one of at most PIPE_BUF bytes is atomic): interleaving mixes the order and loses nothing",
}}
