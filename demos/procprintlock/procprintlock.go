// Package procprintlock is scenario P6: ten processes write one line each,
// in small pieces, to one shared standard output. Without a lock the
// operating system interleaves the pieces; with a lock across processes
// every line comes out whole.
package procprintlock

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const rolePrinter = "proc print-lock/printer"

// maxPauses bounds the story-seconds of pauses a run can add up to (the
// default is 10 × 7 × 0.3 = 21): 2 minutes at --speed 1.
const maxPauses = 120

// beat is the story-seconds of each pause for reading (see run); a
// variable, so that the reliability test can leave the pauses out.
var beat = 5.0

// letters name the children: child i writes a line of letters[i].
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#%"

// shownLines is how many captured lines are printed one by one, and
// shownWidth how much of each.
const (
	shownLines = 16
	shownWidth = 72
)

// Options are the scenario's knobs.
type Options struct {
	Lock     bool    // hold a file lock across each child's line
	Children int     // printing processes
	Pieces   int     // pieces each line is written in
	Piece    int     // bytes per piece
	Pause    float64 // story seconds between two pieces of a line
}

// Metrics are what the scenario measured.
type Metrics struct {
	Lock          bool    `json:"lock"`           // each child held the cross-process lock while writing its line (--lock)
	Children      int     `json:"children"`       // printing processes (--children)
	Pieces        int     `json:"pieces"`         // write calls per line (--pieces)
	PieceBytes    int     `json:"piece_bytes"`    // bytes per write call (--piece)
	PauseMs       float64 `json:"pause_ms"`       // the real pause between two writes of a line (--pause at this --speed)
	Lines         int     `json:"lines"`          // lines read back from the shared pipe
	WholeLines    int     `json:"whole_lines"`    // lines made of one child's letter only, at full length
	MangledLines  int     `json:"mangled_lines"`  // lines holding pieces of more than one child (or cut short)
	BytesExpected int     `json:"bytes_expected"` // what the children wrote in all
	BytesRead     int     `json:"bytes_read"`     // what the parent read from the pipe
	NothingLost   bool    `json:"nothing_lost"`   // every child's every byte arrived (interleaving loses nothing)
	Overlapped    bool    `json:"overlapped"`     // some children were writing at the same time (measured in the children)
	Pids          []int   `json:"pids"`           // the children's process ids, in letter order
	LockFile      string  `json:"lock_file"`      // the lock file (in a temporary directory, removed afterwards); "" without --lock
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "proc print-lock", ID: "P6",
		Title:  "Processes sharing one standard output mangle each other's lines, unless a lock keeps each line whole",
		Python: "multiprocessing.Lock around print()",
		Go:     "an advisory file lock across processes (gofrs/flock) around the writes",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.Lock, "lock", "hold a file lock across each child's whole line")
			k.Int(&o.Children, "children", "printing processes", 10, 2, 64)
			k.Int(&o.Pieces, "pieces", "write calls each line is split into", 8, 1, 40)
			k.Int(&o.Piece, "piece", "bytes per write call", 6, 1, 64)
			k.Float(&o.Pause, "pause", "story seconds between two writes of a line (0: none)", 0.3, 0, 1)
		},
		// With the lock the lines are written one after another, so the
		// pauses add up: bound them (64 × 39 × 1 would be 2,496 story-s).
		Check: func(o *Options, _ *demos.Knobs) error {
			if total := float64(o.Children*(o.Pieces-1)) * o.Pause; total > maxPauses {
				return fmt.Errorf("--children × (--pieces − 1) × --pause is %.0f story-seconds of pauses; the limit is %d", total, maxPauses)
			}
			return nil
		},
		Explain:  lesson,
		Lesson:   []string{"demos/procprintlock/procprintlock.go", "internal/proc/filedb.go"},
		Run:      run,
		Children: map[string]demos.ChildRole{rolePrinter: printer},
		Quiz:     quiz,
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "bytes lost", Class: demos.Forbidden, Desc: "some written bytes never arrived",
				When: func(_ *Options, m Metrics) bool { return !m.NothingLost }},
			{Name: "mangled with a lock", Class: demos.Forbidden, Desc: "a line was mangled although every child held the lock",
				When: func(_ *Options, m Metrics) bool { return m.Lock && m.MangledLines > 0 }},
			{Name: "whole with the lock", Class: demos.Acceptable, Desc: "with the lock every line is whole",
				When: func(_ *Options, m Metrics) bool { return m.Lock }},
			{Name: "mangled", Class: demos.Interesting, Desc: "without a lock the OS interleaved the pieces: lines mangled",
				When: func(_ *Options, m Metrics) bool { return m.MangledLines > 0 }},
			{Name: "whole by luck", Class: demos.Acceptable, Desc: "no line was mangled this time (the lesson did not show)",
				When: func(*Options, Metrics) bool { return true }},
		},
	}.Demo()
}

// job is what a printer is told.
type job struct {
	Letter   string
	Pieces   int
	Piece    int
	Pause    float64
	LockFile string // "" for no lock
}

// span is when a printer wrote its line, on the parent's clock.
type span struct {
	From, To time.Duration
}

// printer writes its line to its standard output — the pipe it shares with
// every other printer — one piece per write call, pausing between pieces.
func printer(ctx context.Context, self *proc.Self) error {
	var j job
	if err := self.Args(&j); err != nil {
		return err
	}
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	if j.LockFile != "" {
		l := proc.NewFileLock(j.LockFile)
		if err := l.Lock(ctx); err != nil {
			return err
		}
		defer l.Unlock()
	}
	pause := self.Story(j.Pause)
	piece := []byte(strings.Repeat(j.Letter, j.Piece))
	var s span
	s.From = self.Now()
	for i := range j.Pieces {
		p := piece
		if i == j.Pieces-1 {
			p = append(append([]byte(nil), piece...), '\n')
		}
		if _, err := self.Raw().Write(p); err != nil { // one write(2) each: no buffering
			return err
		}
		if i < j.Pieces-1 && pause > 0 {
			// A story-clock sleep tells pardemo's watchdog this child is
			// alive, also while the others wait for the lock.
			if err := self.Sleep(ctx, j.Pause); err != nil {
				return err
			}
		}
	}
	s.To = self.Now()
	return self.Result(s)
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{Lock: o.Lock, Children: o.Children, Pieces: o.Pieces, PieceBytes: o.Piece,
		PauseMs: ev.Ms(env.Story(o.Pause)), BytesExpected: o.Children * (o.Pieces*o.Piece + 1)}
	var lockFile string
	if o.Lock {
		dir, err := os.MkdirTemp("", "pardemo-print-lock-")
		if err != nil {
			return ev.Result{}, err
		}
		defer os.RemoveAll(dir)
		lockFile = filepath.Join(dir, "stdout.lock")
		m.LockFile = lockFile
	}
	r, w, err := os.Pipe()
	if err != nil {
		return ev.Result{}, err
	}
	defer r.Close()
	members := make([]proc.Member, o.Children)
	for i := range members {
		members[i] = proc.Member{Name: fmt.Sprintf("printer-%c", letters[i]),
			Args: job{Letter: string(letters[i]), Pieces: o.Pieces, Piece: o.Piece, Pause: o.Pause, LockFile: lockFile}}
	}
	how := "no lock: each child writes its pieces whenever it runs"
	if o.Lock {
		how = "each child holds the lock " + filepath.Base(lockFile) + " from its first piece to its newline"
	}
	env.Phase(fmt.Sprintf("%d processes share one stdout (a pipe); each writes one line in %d pieces of %d bytes; %s", o.Children, o.Pieces, o.Piece, how))
	g, err := env.GroupWith(ctx, rolePrinter, members, func(s *proc.Spec) { s.Stdout = w })
	w.Close() // the children hold the only write ends now: the last one to exit ends our read
	if err != nil {
		return ev.Result{}, err
	}
	read := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(r, int64(m.BytesExpected)+1<<16))
		read <- b
	}()
	env.Flood(o.Children, "one start line per printer")
	for i, c := range g.Children() {
		m.Pids = append(m.Pids, c.Pid)
		env.Detail(demos.Actor(c), ev.Start, fmt.Sprintf("writes a line of %c", letters[i]), "pid", c.Pid)
	}
	// Pacing (issue 13): the writing takes a fraction of a second; a beat
	// before it (the printers wait at their start line) and one after the
	// lines let a class read. Neither is inside the racing part.
	env.Log("parent", ev.Note, fmt.Sprintf("the %d printers wait at a start line; released together, they write at once", o.Children))
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	if err := g.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	if err := g.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ev.Result{}, demos.Stopped(ctx)
		}
		return ev.Result{}, err
	}
	var out []byte
	select {
	case out = <-read:
	case <-ctx.Done():
		return ev.Result{}, demos.Stopped(ctx)
	}
	var spans []span
	for _, c := range g.Children() {
		var s span
		if err := c.Result(&s); err != nil {
			return ev.Result{}, err
		}
		spans = append(spans, s)
	}
	m.Overlapped = overlapped(spans)
	tally(&m, out, o)
	lines := bytes.SplitAfter(out, []byte("\n"))
	for i, l := range lines {
		if len(l) == 0 {
			continue
		}
		if i == shownLines {
			env.Log("stdout", ev.Note, fmt.Sprintf("… %d more lines", len(lines)-i-1))
			break
		}
		text := strings.TrimSuffix(string(l), "\n")
		shown := text
		if len(shown) > shownWidth {
			shown = fmt.Sprintf("%s… (%d bytes in all)", shown[:shownWidth], len(text))
		}
		if whole(text, o) {
			env.Log("stdout", ev.Recv, shown, "whole", true)
		} else {
			env.Emit(ev.Event{Actor: "stdout", Kind: ev.Recv, Msg: shown, Tone: ev.ToneRed, Attrs: map[string]any{"whole": false, "bytes": len(text)}})
		}
	}
	if err := env.Sleep(ctx, beat); err != nil {
		return ev.Result{}, err
	}
	return conclude(m), nil
}

// whole reports whether a line is one child's letter, at full length.
func whole(line string, o *Options) bool {
	return len(line) == o.Pieces*o.Piece && strings.Count(line, line[:1]) == len(line)
}

// tally counts the lines and checks that every byte arrived.
func tally(m *Metrics, out []byte, o *Options) {
	m.BytesRead = len(out)
	text := string(out)
	m.NothingLost = len(out) == m.BytesExpected && strings.Count(text, "\n") == o.Children
	for i := range o.Children {
		if strings.Count(text, string(letters[i])) != o.Pieces*o.Piece {
			m.NothingLost = false
		}
	}
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		m.Lines++
		if strings.HasSuffix(l, "\n") && whole(strings.TrimSuffix(l, "\n"), o) {
			m.WholeLines++
		} else {
			m.MangledLines++
		}
	}
}

// overlapped reports whether two children were writing at the same time.
func overlapped(spans []span) bool {
	for i, a := range spans {
		for _, b := range spans[i+1:] {
			if a.From < b.To && b.From < a.To {
				return true
			}
		}
	}
	return false
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	switch {
	case !m.NothingLost:
		res.Verdict = fmt.Sprintf("read %d bytes of the %d written, or a child's letters are missing: a pipe loses nothing, please report it", m.BytesRead, m.BytesExpected)
	case m.Lock && m.MangledLines > 0:
		res.Verdict = fmt.Sprintf("%d of %d lines mangled although every child held the lock: the lock did not serialise the writers", m.MangledLines, m.Lines)
	case m.Lock && m.Overlapped:
		res.Verdict = "two children were writing at the same time although each held the lock"
	case m.Lock:
		res.Observed = true
		res.Verdict = fmt.Sprintf("with the lock all %d lines are whole: each child wrote its %d pieces while the others waited", m.Lines, m.Pieces)
		res.Short = fmt.Sprintf("lock: %d of %d lines whole", m.WholeLines, m.Lines)
	case m.MangledLines > 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%d of %d lines mangled: the operating system interleaved the %d processes' writes on the shared pipe (no byte lost, %d bytes)", m.MangledLines, m.Lines, m.Children, m.BytesRead)
		res.Short = fmt.Sprintf("%d of %d lines mangled", m.MangledLines, m.Lines)
	case !m.Overlapped:
		res.Verdict = "every line whole: the children did not write at the same time"
		res.Hint = "--pause 0.6 (a longer pause between pieces), or more --pieces"
	default:
		res.Verdict = "every line whole: the children overlapped, but each one's pieces happened to go out together"
		res.Hint = "--pause 0.6, or more --pieces"
	}
	return res
}
