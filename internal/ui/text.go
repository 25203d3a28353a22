package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/pardemo/pardemo/internal/ev"
)

// Theme is one run's palette. fatih/color decides colour globally from
// os.Stdout; pardemo instead builds every colour here, switched on or off
// for this run and this writer only.
type Theme struct {
	on     bool
	actors []*color.Color
	Dim    *color.Color
	Bold   *color.Color
	Good   *color.Color
	Bad    *color.Color
	Warn   *color.Color
	Title  *color.Color
}

// NewTheme returns a palette that colours only when on is true.
func NewTheme(on bool) *Theme {
	mk := func(a ...color.Attribute) *color.Color {
		c := color.New(a...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	t := &Theme{
		on:    on,
		Dim:   mk(color.Faint),
		Bold:  mk(color.Bold),
		Good:  mk(color.FgGreen, color.Bold),
		Bad:   mk(color.FgRed, color.Bold),
		Warn:  mk(color.FgYellow),
		Title: mk(color.FgHiWhite, color.Bold),
	}
	// Red and green are kept for meaning (a light, a verdict); actors get the rest.
	for _, a := range []color.Attribute{color.FgCyan, color.FgMagenta, color.FgBlue, color.FgHiYellow,
		color.FgHiCyan, color.FgHiMagenta, color.FgHiBlue, color.FgWhite} {
		t.actors = append(t.actors, mk(a))
	}
	return t
}

var markers = map[ev.Kind]string{
	ev.Start: "▶", ev.Done: "■", ev.Wait: "…", ev.Wake: "↑",
	ev.Acquire: "+", ev.Release: "−", ev.Send: "→", ev.Recv: "←",
	ev.Step: "·", ev.Note: "›", ev.Warn: "!",
}

// Text renders for people: a title card, one line per event with a relative
// time stamp and a coloured actor column, then tables, timing and verdict.
type Text struct {
	w       io.Writer // base, or through the progress bar while one is up
	base    *ErrWriter
	th      *Theme
	bars    *barOpts
	colors  map[string]*color.Color
	width   int
	scratch strings.Builder
}

// NewText writes to w with theme th.
func NewText(w io.Writer, th *Theme) *Text {
	base := NewErrWriter(w)
	return &Text{w: base, base: base, th: th}
}

// Err is the first failed write, or nil.
func (t *Text) Err() error { return t.base.Err() }

// Begin prints the title card.
func (t *Text) Begin(h ev.Header) {
	t.colors = map[string]*color.Color{}
	t.width = 10
	title := fmt.Sprintf("%s  ·  %s", h.Demo, h.ID)
	fmt.Fprintf(t.w, "%s\n", t.th.Title.Sprint("━━ "+title+" "+strings.Repeat("━", max(3, 60-utf8.RuneCountInString(title)))))
	fmt.Fprintf(t.w, "%s\n", h.Title)
	if h.Python != "" {
		fmt.Fprintf(t.w, "%s\n", t.th.Dim.Sprintf("python %s  →  go %s", h.Python, h.Go))
	}
	replay := []string{"pardemo", h.Demo}
	for _, p := range h.Params {
		if p.Value == "true" {
			replay = append(replay, "--"+p.Name)
		} else {
			replay = append(replay, "--"+p.Name, p.Value)
		}
	}
	replay = append(replay, "--seed", strconv.FormatInt(h.Seed, 10))
	if h.Speed != 10 {
		replay = append(replay, "--speed", ev.Float(h.Speed))
	}
	fmt.Fprintf(t.w, "%s\n\n", t.th.Dim.Sprintf("seed %d · speed %s× · replay: %s", h.Seed, ev.Float(h.Speed), strings.Join(replay, " ")))
}

func (t *Text) actor(name string) *color.Color {
	c, ok := t.colors[name]
	if !ok {
		c = t.th.actors[len(t.colors)%len(t.th.actors)]
		t.colors[name] = c
	}
	return c
}

// Event prints one line.
func (t *Text) Event(e ev.Event) {
	t.progress(e)
	if e.Kind == ev.Phase {
		fmt.Fprintf(t.w, "%s\n", t.th.Bold.Sprint("── "+e.Msg))
		return
	}
	if n := utf8.RuneCountInString(e.Actor); n > t.width {
		t.width = n
	}
	stamp := t.th.Dim.Sprintf("%8s", fmt.Sprintf("+%.3fs", e.T.Seconds()))
	who := t.actor(e.Actor).Sprint(pad(e.Actor, t.width))
	mark := markers[e.Kind]
	if mark == "" {
		mark = "·"
	}
	msg := e.Msg
	switch {
	case e.Tone == ev.ToneRed:
		mark, msg = t.th.Bad.Sprint(mark), t.th.Bad.Sprint(msg)
	case e.Tone == ev.ToneGreen:
		mark, msg = t.th.Good.Sprint(mark), t.th.Good.Sprint(msg)
	case e.Kind == ev.Warn:
		mark, msg = t.th.Warn.Sprint(mark), t.th.Warn.Sprint(msg)
	case e.Kind == ev.Note:
		mark, msg = t.th.Dim.Sprint(mark), t.th.Dim.Sprint(msg)
	}
	fmt.Fprintf(t.w, "%s  %s %s %s\n", stamp, who, mark, msg)
}

// End prints tables, the timing block and the verdict.
func (t *Text) End(h ev.Header, r ev.Result, wall time.Duration) {
	t.closeBar()
	for _, tb := range r.Tables {
		fmt.Fprintln(t.w)
		t.table(tb)
	}
	fmt.Fprintf(t.w, "\n%s\n", t.th.Bold.Sprint("timing"))
	timing := append([]ev.Timing{{Label: "wall", D: wall}}, r.Timing...)
	lw := 0
	for _, tm := range timing {
		lw = max(lw, utf8.RuneCountInString(tm.Label))
	}
	for _, tm := range timing {
		fmt.Fprintf(t.w, "  %s  %s\n", pad(tm.Label, lw), ev.Dur(tm.D))
	}
	if r.Observed {
		fmt.Fprintf(t.w, "%s %s\n", t.th.Good.Sprint("verdict ✔"), r.Verdict)
	} else {
		fmt.Fprintf(t.w, "%s %s\n", t.th.Warn.Sprint("verdict ⚠"), r.Verdict)
		if r.Hint != "" {
			fmt.Fprintf(t.w, "%s %s\n", t.th.Warn.Sprint("try    "), r.Hint)
		}
	}
	fmt.Fprintln(t.w)
}

// Fail prints why the scenario ended early, in the flow of its events
// (stderr also gets the one-line error from cmd).
func (t *Text) Fail(h ev.Header, msg string, code int) {
	t.closeBar()
	fmt.Fprintf(t.w, "%s %s\n\n", t.th.Bad.Sprint("stopped ✘"), msg)
}

// Summary prints run-all's closing table.
func (t *Text) Summary(rows []SummaryRow) {
	tb := ev.Table{Title: "run-all summary", Header: []string{"scenario", "wall", "verdict"}}
	for _, r := range rows {
		mark := "✔ "
		switch {
		case r.Failed:
			mark = "✘ "
		case !r.Observed:
			mark = "⚠ "
		}
		tb.Rows = append(tb.Rows, []string{r.Demo, ev.Dur(r.Wall), mark + r.Verdict})
	}
	t.table(tb)
}

func (t *Text) table(tb ev.Table) {
	if tb.Title != "" {
		fmt.Fprintf(t.w, "%s\n", t.th.Bold.Sprint(tb.Title))
	}
	widths := make([]int, len(tb.Header))
	for i, h := range tb.Header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, row := range tb.Rows {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	line := func(cells []string, style *color.Color) {
		t.scratch.Reset()
		t.scratch.WriteString(" ")
		for i, c := range cells {
			t.scratch.WriteString(" ")
			if i == len(cells)-1 {
				t.scratch.WriteString(c)
			} else {
				t.scratch.WriteString(pad(c, widths[i]))
			}
		}
		s := strings.TrimRight(t.scratch.String(), " ")
		if style != nil {
			s = style.Sprint(s)
		}
		fmt.Fprintln(t.w, s)
	}
	line(tb.Header, t.th.Dim)
	for _, row := range tb.Rows {
		line(row, nil)
	}
}

func pad(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
