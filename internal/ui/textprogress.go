package ui

import (
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui/progress"
)

// Progress events (ev.AttrDone, ev.AttrTotal, ev.AttrProgress): on a
// terminal the text renderer shows them as a bar (see WithProgress);
// everywhere else they are ordinary events.

// barOpts is the text renderer's progress set-up and its one open bar.
type barOpts struct {
	opt   progress.Options
	label string
	bar   *progress.Bar
	after time.Duration // no bar for a count still going before this point of the run
}

// WithProgress turns progress events into a bar drawn on a terminal of
// width columns (0 = unknown: a few plain lines instead). Counts that end
// within a second never show one.
func (t *Text) WithProgress(width int) *Text {
	t.bars = &barOpts{opt: progress.Options{Terminal: true, Width: width}, after: time.Second}
	return t
}

func (t *Text) progress(e ev.Event) {
	if t.bars == nil {
		return
	}
	done, ok1 := asInt(e.Attrs[ev.AttrDone])
	total, ok2 := asInt(e.Attrs[ev.AttrTotal])
	if !ok1 || !ok2 || total <= 0 {
		return
	}
	label, _ := e.Attrs[ev.AttrProgress].(string)
	if label == "" {
		label = "progress"
	}
	b := t.bars
	if b.bar != nil && b.label != label {
		t.closeBar()
	}
	if b.bar == nil {
		if e.T < b.after || done >= total {
			return
		}
		b.label, b.bar = label, progress.New(t.base, label, total, b.opt)
	}
	b.bar.Set(done)
	t.w = b.bar.Writer() // above the bar while it is drawn
	if done >= total {
		t.closeBar()
	}
}

func (t *Text) closeBar() {
	if t.bars == nil || t.bars.bar == nil {
		return
	}
	t.bars.bar.Close()
	t.bars.bar, t.w = nil, t.base
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}
