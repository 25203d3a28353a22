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
//
// The palette is for a projector and for light and dark themes alike: no
// faint text (the first thing a projector loses), no bright white (it
// vanishes on a light background), no dark blue (it vanishes on a dark
// one). Red and green are kept for meaning (a light, a tone); emphasis is
// bold in the terminal's own foreground colour.
type Theme struct {
	on     bool
	actors []*color.Color
	Dim    *color.Color // secondary text: the terminal's own colour (never faint)
	Bold   *color.Color
	Good   *color.Color
	Bad    *color.Color
	Warn   *color.Color
	Title  *color.Color
	Lesson *color.Color // the verdict line's mark and words
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
		on:     on,
		Dim:    mk(),
		Bold:   mk(color.Bold),
		Good:   mk(color.FgGreen, color.Bold),
		Bad:    mk(color.FgRed, color.Bold),
		Warn:   mk(color.FgYellow, color.Bold),
		Title:  mk(color.Bold, color.Underline),
		Lesson: mk(color.FgMagenta, color.Bold),
	}
	for _, a := range ActorColors {
		t.actors = append(t.actors, mk(a...))
	}
	return t
}

// ActorColors are the actors' colours in the order actors get them: mid
// tones that read on black and on white (no yellow, no white, no dark
// blue; red and green mean something else).
var ActorColors = [][]color.Attribute{
	{color.FgCyan}, {color.FgMagenta}, {color.FgHiBlue},
	{color.FgCyan, color.Bold}, {color.FgMagenta, color.Bold}, {color.FgHiBlue, color.Bold},
	{color.Bold}, {color.Underline},
}

// Tones lists every style the theme draws with, by name, for the palette
// test and `gen-docs`.
func (t *Theme) Tones() map[string]*color.Color {
	m := map[string]*color.Color{"dim": t.Dim, "bold": t.Bold, "good": t.Good, "bad": t.Bad,
		"warn": t.Warn, "title": t.Title, "lesson": t.Lesson}
	for i, c := range t.actors {
		m["actor-"+strconv.Itoa(i+1)] = c
	}
	return m
}

var markers = map[ev.Kind]string{
	ev.Start: "▶", ev.Done: "■", ev.Wait: "…", ev.Wake: "↑",
	ev.Acquire: "+", ev.Release: "−", ev.Send: "→", ev.Recv: "←",
	ev.Step: "·", ev.Note: "›", ev.Warn: "!",
}

// The verdict marks: neither a tick nor a cross, because the lesson showing
// is not the program succeeding (a deadlock that showed is no success).
const (
	markShown    = "◆"
	markNotShown = "◇"
)

// stampWidth is the stamp column: story seconds, "1234.56s".
const stampWidth = 8

// DefaultWidth is the width assumed on a terminal that does not report one.
const DefaultWidth = 80

// Text renders for people: a title card, one line per event with a story
// time stamp and a coloured actor column, then tables, timing and verdict.
// With a width (WithWidth) every line is wrapped to it, continuation lines
// hanging under the message column; without one nothing is wrapped (piped
// output stays one event per line for grep).
type Text struct {
	w       io.Writer // base, or through the progress bar while one is up
	base    *ErrWriter
	th      *Theme
	bars    *barOpts
	colors  map[string]*color.Color
	width   int     // the actor column
	cols    int     // the screen's width; 0: no wrapping
	speed   float64 // the run's --speed, to print story seconds
	scratch strings.Builder
}

// NewText writes to w with theme th.
func NewText(w io.Writer, th *Theme) *Text {
	base := NewErrWriter(w)
	return &Text{w: base, base: base, th: th, speed: 10}
}

// WithWidth wraps every line to cols columns (0: no wrapping).
func (t *Text) WithWidth(cols int) *Text {
	t.cols = cols
	return t
}

// Err is the first failed write, or nil.
func (t *Text) Err() error { return t.base.Err() }

// Probe is Err that also notices an output gone away without a write
// (see ErrWriter.Probe).
func (t *Text) Probe() error { return t.base.Probe() }

// Replay is the command line that runs h again, quoted for a POSIX shell
// so that it can be copied as it is.
func Replay(h ev.Header) string {
	words := []string{"pardemo"}
	words = append(words, strings.Fields(h.Demo)...)
	for _, p := range h.Params {
		// --name=value is the one spelling that also works for a bool
		// knob set to false and for a value that starts with "-".
		if p.Value == "true" {
			words = append(words, "--"+p.Name)
			continue
		}
		if p.Value == "" || p.Value == "false" || strings.HasPrefix(p.Value, "-") {
			words = append(words, ShellQuote("--"+p.Name+"="+p.Value))
			continue
		}
		words = append(words, "--"+p.Name, ShellQuote(p.Value))
	}
	words = append(words, "--seed", strconv.FormatInt(h.Seed, 10))
	if h.Speed != 10 && h.Speed != 0 {
		words = append(words, "--speed", ev.Float(h.Speed))
	}
	return strings.Join(words, " ")
}

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_=./,:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Begin prints the title card.
func (t *Text) Begin(h ev.Header) {
	t.colors = map[string]*color.Color{}
	t.width = 10
	if h.Speed > 0 {
		t.speed = h.Speed
	}
	title := fmt.Sprintf("%s  ·  %s", h.Demo, h.ID)
	bar := 64
	if t.cols > 0 {
		bar = min(bar, t.cols)
	}
	fmt.Fprintf(t.w, "%s\n", t.th.Title.Sprint("━━ "+title+" "+strings.Repeat("━", max(3, bar-4-utf8.RuneCountInString(title)))))
	t.para("", h.Title, nil)
	if h.Python != "" {
		t.para("", fmt.Sprintf("python %s  →  go %s", h.Python, h.Go), t.th.Dim)
	}
	t.para("", fmt.Sprintf("seed %d · speed %s× · stamps in story seconds", h.Seed, ev.Float(h.Speed)), t.th.Dim)
	t.replay(Replay(h))
	fmt.Fprintln(t.w)
}

// replay prints the replay line; when it is wider than the screen it
// breaks between words with a shell line continuation, so that it can
// still be copied and pasted as it stands.
func (t *Text) replay(cmd string) {
	const lead = "replay: "
	if t.cols <= 0 || utf8.RuneCountInString(lead+cmd) <= t.cols {
		fmt.Fprintf(t.w, "%s\n", t.th.Dim.Sprint(lead+cmd))
		return
	}
	line := lead
	for i, w := range strings.Split(cmd, " ") {
		if i > 0 && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w)+2 > t.cols {
			fmt.Fprintf(t.w, "%s\n", t.th.Dim.Sprint(line+" \\"))
			line = "    " + w
			continue
		}
		if i > 0 {
			line += " "
		}
		line += w
	}
	fmt.Fprintf(t.w, "%s\n", t.th.Dim.Sprint(line))
}

func (t *Text) actor(name string) *color.Color {
	c, ok := t.colors[name]
	if !ok {
		c = t.th.actors[len(t.colors)%len(t.th.actors)]
		t.colors[name] = c
	}
	return c
}

// Stamp is the stamp column for d of real time at speed: story seconds,
// right-aligned in a fixed width.
func Stamp(d time.Duration, speed float64) string {
	secs := d.Seconds() * speed
	s := strconv.FormatFloat(secs, 'f', 2, 64) + "s"
	for prec := 1; len(s) > stampWidth && prec >= 0; prec-- { // a long story keeps the column
		s = strconv.FormatFloat(secs, 'f', prec, 64) + "s"
	}
	return fmt.Sprintf("%*s", stampWidth, s)
}

// Event prints one line (more when it wraps).
func (t *Text) Event(e ev.Event) {
	t.progress(e)
	if e.Kind == ev.Phase {
		t.para("── ", e.Msg, t.th.Bold)
		return
	}
	if n := utf8.RuneCountInString(e.Actor); n > t.width {
		t.width = n
	}
	stamp := Stamp(e.T, t.speed)
	mark := markers[e.Kind]
	if mark == "" {
		mark = "·"
	}
	var style *color.Color
	switch {
	case e.Tone == ev.ToneRed:
		style = t.th.Bad
	case e.Tone == ev.ToneGreen:
		style = t.th.Good
	case e.Kind == ev.Warn:
		style = t.th.Warn
	}
	indent := stampWidth + 2 + t.width + 3
	lines := t.wrap(e.Msg, indent)
	who := t.actor(e.Actor).Sprint(pad(e.Actor, t.width))
	if style != nil {
		mark = style.Sprint(mark)
	}
	for i, l := range lines {
		if style != nil {
			l = style.Sprint(l)
		}
		if i == 0 {
			fmt.Fprintf(t.w, "%s  %s %s %s\n", stamp, who, mark, l)
		} else {
			fmt.Fprintf(t.w, "%s%s\n", strings.Repeat(" ", t.hang(indent)), l)
		}
	}
}

// hang is the indent of continuation lines: the message column, or less
// when that would leave too narrow a column to read.
func (t *Text) hang(indent int) int {
	if t.cols > 0 && t.cols-indent < 30 {
		return min(indent, 6)
	}
	return indent
}

// wrap breaks s into lines that fit the screen after indent columns
// (continuation lines after t.hang(indent)). Without a width it is one line.
func (t *Text) wrap(s string, indent int) []string {
	if t.cols <= 0 {
		return []string{s}
	}
	return Wrap(s, t.cols-indent, t.cols-t.hang(indent))
}

// Wrap breaks s at spaces into lines of at most first runes (the first
// line) and rest runes (the others). A word longer than a line is cut.
func Wrap(s string, first, rest int) []string {
	first, rest = max(first, 10), max(rest, 10)
	var out []string
	limit := first
	line := ""
	n := 0
	for _, word := range strings.Fields(s) {
		wn := utf8.RuneCountInString(word)
		for wn > limit && n == 0 { // a word wider than the line: cut it
			r := []rune(word)
			out = append(out, string(r[:limit]))
			word, wn, limit = string(r[limit:]), wn-limit, rest
		}
		switch {
		case n == 0:
			line, n = word, wn
		case n+1+wn <= limit:
			line, n = line+" "+word, n+1+wn
		default:
			out = append(out, line)
			limit = rest
			line, n = word, wn
			for n > limit {
				r := []rune(line)
				out = append(out, string(r[:limit]))
				line, n = string(r[limit:]), n-limit
			}
		}
	}
	if n > 0 || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// para prints s after lead, wrapped, continuation lines hanging under
// the text; style (nil: none) colours every line.
func (t *Text) para(lead, s string, style *color.Color) {
	indent := utf8.RuneCountInString(lead)
	lines := []string{s}
	if t.cols > 0 {
		lines = Wrap(s, t.cols-indent, t.cols-indent)
	}
	for i, l := range lines {
		if i == 0 {
			l = lead + l
		} else {
			l = strings.Repeat(" ", indent) + l
		}
		if style != nil {
			l = style.Sprint(l)
		}
		fmt.Fprintln(t.w, l)
	}
}

// VerdictLine is the verdict in words, as the text view and run-all's
// summary say it.
func VerdictLine(r ev.Result) string {
	if r.Observed {
		return "lesson shown: " + r.Verdict
	}
	s := "lesson not shown this run: " + r.Verdict
	if r.Hint != "" {
		s += " — try " + r.Hint
	}
	return s
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
	mark := markShown
	if !r.Observed {
		mark = markNotShown
	}
	t.para(mark+" ", VerdictLine(r), t.th.Lesson)
	if r.Quiz != nil {
		t.quiz(r.Quiz)
	}
	fmt.Fprintln(t.w)
}

// Fail prints why the scenario ended early, in the flow of its events
// (stderr also gets the one-line error from cmd).
func (t *Text) Fail(h ev.Header, msg string, code int) {
	t.closeBar()
	t.para("stopped ✘ ", msg, t.th.Bad)
	fmt.Fprintln(t.w)
}

// SummaryRows is the most lines run-all's summary takes: one 40-row
// screen, less a line for the shell's prompt.
const SummaryRows = 39

// Summary prints run-all's closing table: one line per scenario, the
// short verdict, fitted to the screen (80 columns when it is not known)
// and to one 40-row screen. When one line each would not fit, the
// scenarios whose lesson showed are listed by name, chapter by chapter,
// and only the others get a line of their own.
func (t *Text) Summary(rows []SummaryRow) {
	quizLine, quizzed := summaryQuizLine(rows)
	if len(rows)+3+btoi(quizzed) > SummaryRows {
		t.compactSummary(rows)
		return
	}
	cols := t.cols
	if cols <= 0 {
		cols = DefaultWidth
	}
	nw := len("scenario")
	for _, r := range rows {
		nw = max(nw, utf8.RuneCountInString(r.Demo))
	}
	tb := ev.Table{Title: "run-all summary", Header: []string{"scenario", "wall", "  lesson"}}
	room := max(12, cols-(2+nw+2+7+2+2))
	if quizzed {
		tb.Header = []string{"scenario", "wall", "quiz", "  lesson"}
		room = max(12, room-6)
	}
	for _, r := range rows {
		mark := markShown
		switch {
		case r.Failed:
			mark = "✘"
		case !r.Observed:
			mark = markNotShown
		}
		v := r.Short
		if v == "" {
			v = ev.Result{Verdict: r.Verdict}.ShortVerdict()
		}
		row := []string{r.Demo, ev.Dur(r.Wall), mark + " " + ev.Clip(v, room)}
		if quizzed {
			row = []string{r.Demo, ev.Dur(r.Wall), rowQuiz(r), mark + " " + ev.Clip(v, room)}
		}
		tb.Rows = append(tb.Rows, row)
	}
	t.table(tb)
	shown, failed := 0, 0
	for _, r := range rows {
		switch {
		case r.Failed:
			failed++
		case r.Observed:
			shown++
		}
	}
	fmt.Fprintf(t.w, "  %s\n", t.th.Dim.Sprintf("%s %d shown · %s %d not shown this run · ✘ %d failed · full verdicts: --json", markShown, shown, markNotShown, len(rows)-shown-failed, failed))
	if quizzed {
		fmt.Fprintf(t.w, "  %s\n", t.th.Bold.Sprint(quizLine))
	}
}

func (t *Text) compactSummary(rows []SummaryRow) {
	cols := t.cols
	if cols <= 0 {
		cols = DefaultWidth
	}
	fmt.Fprintf(t.w, "%s\n", t.th.Bold.Sprintf("run-all summary: %d scenarios", len(rows)))
	var others []SummaryRow
	for i := 0; i < len(rows); {
		ch := rows[i].Chapter
		var shown []string
		for ; i < len(rows) && rows[i].Chapter == ch; i++ {
			if rows[i].Observed && !rows[i].Failed {
				shown = append(shown, rows[i].Demo)
			} else {
				others = append(others, rows[i])
			}
		}
		if len(shown) > 0 {
			lead := fmt.Sprintf("  %s ch %d: ", markShown, ch)
			for j, l := range Wrap(strings.Join(shown, ", "), cols-utf8.RuneCountInString(lead), cols-utf8.RuneCountInString(lead)) {
				if j > 0 {
					lead = strings.Repeat(" ", utf8.RuneCountInString(lead))
				}
				fmt.Fprintln(t.w, lead+l)
			}
		}
	}
	for _, r := range others {
		mark := markNotShown
		if r.Failed {
			mark = "✘"
		}
		v := r.Short
		if v == "" {
			v = ev.Result{Verdict: r.Verdict}.ShortVerdict()
		}
		lead := fmt.Sprintf("  %s %s: ", mark, r.Demo)
		fmt.Fprintln(t.w, lead+ev.Clip(v, max(12, cols-utf8.RuneCountInString(lead))))
	}
	fmt.Fprintf(t.w, "  %s\n", t.th.Dim.Sprintf("%s lesson shown · %s not shown this run · ✘ failed · full verdicts: --json", markShown, markNotShown))
	if line, ok := summaryQuizLine(rows); ok {
		fmt.Fprintf(t.w, "  %s\n", t.th.Bold.Sprint(line))
	}
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
		if t.cols > 0 && utf8.RuneCountInString(s) > t.cols {
			s = ev.Clip(s, t.cols)
		}
		if style != nil {
			s = style.Sprint(s)
		}
		fmt.Fprintln(t.w, s)
	}
	line(tb.Header, t.th.Bold)
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
