// Package progress shows how far a long run has got: a live bar on a
// terminal (drawn by github.com/vbauerster/mpb/v8), or a few plain lines
// where a bar cannot be drawn — output that is not a terminal, or a
// terminal that reports no width.
//
// A scenario never uses this package: it emits events that say how far
// it is ("done" of "total"), and a renderer turns them into a Bar. While
// a bar is on screen every other line must be written through
// Bar.Writer, which prints above the bar instead of through it.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Options says where the bar goes and when it is worth showing.
type Options struct {
	// Terminal is true when the writer is a terminal (ui.Streams.OutTTY):
	// only then is a live bar drawn.
	Terminal bool
	// Width is the terminal's width in columns; 0 (unknown) means plain
	// lines even on a terminal.
	Width int
	// Delay hides the progress of a run that ends quickly: nothing is shown
	// until the first update at least Delay after New.
	Delay time.Duration
	// Every is the step, in percent, between two plain lines (default 25).
	Every int
	// Now is the clock (default time.Now); tests pass a fake one.
	Now func() time.Time
}

// Bar is the progress of one count, from 0 to a known total. Its methods
// are safe for concurrent use.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int
	opt   Options
	start time.Time
	done  int
	shown bool
	// on a terminal
	p   *mpb.Progress
	bar *mpb.Bar
	// plain lines
	step    int // the last step printed: done*100/total/Every
	printed int // the count on the last line printed
	closed  bool
}

// New prepares a bar for label counting up to total on w. Nothing appears
// before the first update (and not before opt.Delay). Close must be called
// when the count ends, complete or not.
func New(w io.Writer, label string, total int, opt Options) *Bar {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Every <= 0 || opt.Every > 100 {
		opt.Every = 25
	}
	return &Bar{w: w, label: label, total: max(total, 1), opt: opt, start: opt.Now()}
}

// Live reports whether the bar is drawn live (a terminal with a width)
// rather than as plain lines.
func (b *Bar) Live() bool { return b.opt.Terminal && b.opt.Width > 0 }

// Set moves the count to done (clamped to 0..total).
func (b *Bar) Set(done int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set(done)
}

// Add moves the count on by n.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set(b.done + n)
}

func (b *Bar) set(done int) {
	if b.closed {
		return
	}
	b.done = min(max(done, 0), b.total)
	if !b.shown {
		if b.opt.Now().Sub(b.start) < b.opt.Delay {
			return
		}
		b.show()
	}
	if b.bar != nil {
		b.bar.SetCurrent(int64(b.done))
		return
	}
	if step := b.done * 100 / b.total / b.opt.Every; step > b.step || b.done == b.total && b.printed != b.total {
		b.step = step
		b.print("")
	}
}

func (b *Bar) print(suffix string) {
	b.printed = b.done
	fmt.Fprintf(b.w, "%s: %d/%d (%d%%)%s\n", b.label, b.done, b.total, b.done*100/b.total, suffix)
}

func (b *Bar) show() {
	b.shown = true
	if !b.Live() {
		return
	}
	// The writer is usually wrapped (colour, capture), so mpb cannot see
	// the terminal itself: it is told, along with the width.
	b.p = mpb.New(mpb.WithOutput(b.w), mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithWidth(b.opt.Width),
		mpb.WithRefreshRate(100*time.Millisecond))
	b.bar = b.p.AddBar(int64(b.total),
		mpb.PrependDecorators(decor.Name(b.label+" "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5})),
		mpb.BarRemoveOnComplete(), // the bar is scaffolding: the events tell the story
	)
}

// Writer is where other output goes while the bar is up: above a live bar,
// or straight to the writer otherwise.
func (b *Bar) Writer() io.Writer {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.p != nil && !b.closed {
		return b.p
	}
	return b.w
}

// Close ends the bar: a live one is taken off the screen and its
// goroutines end; plain lines end with the final count if it was not the
// last line printed. Close is safe to call more than once.
func (b *Bar) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	p, bar := b.p, b.bar
	if b.shown && bar == nil && b.done < b.total {
		b.print(", stopped")
	}
	b.mu.Unlock()
	if p == nil {
		return
	}
	if !bar.Completed() {
		bar.Abort(true)
	}
	p.Wait()
}
