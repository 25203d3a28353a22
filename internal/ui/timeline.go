package ui

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"
	"github.com/pardemo/pardemo/internal/ev"
)

// Timeline renders a run as swimlanes drawn after it (--view timeline): one
// lane per actor on a time axis in story seconds, with segments for
// running, waiting (on what) and holding (which lock), and marks for
// sends, receives, wakes and warnings. Begin, End, Fail and Summary are the
// text view's (it delegates); events are buffered, and only warnings are
// printed as they happen, so that a run the watchdog is waiting on still
// says what is wrong. See docs/design.md, "Timeline".
type Timeline struct {
	text   *Text
	th     *Theme
	cols   int
	speed  float64
	events []ev.Event
	// replayed: a recorded run is drawn (see Replayed)
	replayed bool
}

// NewTimeline draws on w with theme th, cols columns wide (0: DefaultWidth).
func NewTimeline(w io.Writer, th *Theme, cols int) *Timeline {
	if cols <= 0 {
		cols = DefaultWidth
	}
	return &Timeline{text: NewText(w, th).WithWidth(cols), th: th, cols: cols}
}

// Err is the first failed write, or nil.
func (t *Timeline) Err() error { return t.text.Err() }

// Probe is Err that also notices an output gone away without a write.
func (t *Timeline) Probe() error { return t.text.Probe() }

// Begin prints the title card, and says the drawing comes at the end.
func (t *Timeline) Begin(h ev.Header) {
	t.events, t.speed = nil, h.Speed
	if t.speed <= 0 {
		t.speed = 10
	}
	if t.replayed && h.ID == "" {
		// A recording that does not say which run it is: no title card.
		t.text.para("", h.Demo, t.th.Bold)
		fmt.Fprintln(t.text.w)
		return
	}
	t.text.Begin(h)
	if !t.replayed {
		t.text.para("", "the timeline is drawn when the run ends; warnings show as they happen", t.th.Dim)
	}
}

// Event keeps e for the drawing; a warning is also printed now.
func (t *Timeline) Event(e ev.Event) {
	t.events = append(t.events, e)
	if e.Kind == ev.Warn && !t.replayed {
		t.text.Event(e)
	}
}

// End draws the lanes, then the text view's tables, timing and verdict.
func (t *Timeline) End(h ev.Header, r ev.Result, wall time.Duration) {
	t.draw(wall)
	t.text.End(h, r, wall)
}

// Fail draws what was recorded up to the failure, then the failure.
func (t *Timeline) Fail(h ev.Header, msg string, code int) {
	var end time.Duration
	if n := len(t.events); n > 0 {
		end = t.events[n-1].T
	}
	t.draw(end)
	t.text.Fail(h, msg, code)
}

// Summary is run-all's closing table, as the text view prints it.
func (t *Timeline) Summary(rows []SummaryRow) { t.text.Summary(rows) }

func (t *Timeline) draw(end time.Duration) {
	if !t.replayed {
		fmt.Fprintln(t.text.w) // after the note, or the warnings
	}
	for _, l := range DrawTimeline(t.events, end, t.speed, t.cols, t.th) {
		fmt.Fprintln(t.text.w, l)
	}
}

// MaxLanes is the most lanes a timeline draws; beyond it, actors whose
// names differ only in a number ("customer-12") share one lane, so that
// the drawing stays within about 30 rows.
const MaxLanes = 18

// The cell ranks: a cell shows the highest-ranked thing in its column.
const (
	rEmpty = iota
	rRun
	rStep
	rState
	rHold
	rWait
	rHoldWait
	rDone
	rSendRecv
	rWoke
	rWake
	rWarn
)

// The characters of the drawing: distinct without colour.
const (
	chRun      = "─"
	chWait     = "░"
	chHold     = "█"
	chHoldWait = "▓"
	chWoke     = "↓"
	chQuiet    = "┄"            // after an actor's last event, when it never said done
	chCount    = "holder count" // the legend's key for holdCounts' digits (never drawn)
)

// stateFills are the fills of named states and spans, in order of first
// appearance in a drawing.
var stateFills = []string{"═", "×", "≈", "#", "+", "~"}

var markRank = map[ev.Kind]int{ev.Step: rStep, ev.Done: rDone, ev.Send: rSendRecv, ev.Recv: rSendRecv, ev.Wake: rWake, ev.Warn: rWarn}

type cell struct {
	ch    string
	rank  int
	style *color.Color
	count bool // a holder count in a grouped lane (see holdCounts)
}

type segment struct {
	from, to time.Duration
	rank     int // rHold, rWait or rState
	label    string
	held     []string // rWait: the locks held while waiting
	state    string   // rState: the state's name
	tone     ev.Tone
}

type mark struct {
	at   time.Duration
	ch   string
	rank int
	tone ev.Tone
}

type track struct {
	name        string
	first, last time.Duration
	// heard is the actor's last event when it never said done: from there
	// to last (the run's end) nothing is known, and the lane says so.
	heard  time.Duration
	silent bool
	events int // events other than notes
	segs   []segment
	marks  []mark
}

type woke struct {
	at       time.Duration
	by, whom string
}

// normal is d as JSON carries it (whole microseconds): a timeline drawn
// from a run's JSON lines is the same as one drawn from the run.
func normal(d time.Duration) time.Duration {
	return time.Duration(math.Round(ev.Ms(d)*1000)) * time.Microsecond
}

func attrString(e ev.Event, key string) string {
	s, _ := e.Attrs[key].(string)
	return s
}

// tracks derives every actor's segments and marks from the events.
func tracks(events []ev.Event, end time.Duration) ([]*track, []woke, []ev.Event) {
	var order []*track
	by := map[string]*track{}
	type open struct {
		from  time.Duration
		label string
		held  []string // a wait: the locks held when it began
	}
	type live struct {
		wait    *open
		holds   []open
		state   *open
		stateNm string
		tone    ev.Tone
		spans   map[string]open
		spanOrd []string
		done    bool
	}
	lives := map[string]*live{}
	var wakes []woke
	var phases []ev.Event
	closeWait := func(tr *track, l *live, at time.Duration) {
		if l.wait != nil {
			tr.segs = append(tr.segs, segment{from: l.wait.from, to: at, rank: rWait, label: l.wait.label, held: l.wait.held})
			l.wait = nil
		}
	}
	closeState := func(tr *track, l *live, at time.Duration) {
		if l.state != nil {
			tr.segs = append(tr.segs, segment{from: l.state.from, to: at, rank: rState, label: l.stateNm, state: l.stateNm, tone: l.tone})
			l.state = nil
		}
	}
	closeAll := func(tr *track, l *live, at time.Duration) {
		closeWait(tr, l, at)
		for i := len(l.holds) - 1; i >= 0; i-- {
			tr.segs = append(tr.segs, segment{from: l.holds[i].from, to: at, rank: rHold, label: l.holds[i].label})
		}
		l.holds = nil
		closeState(tr, l, at)
		for _, nm := range l.spanOrd {
			if s, ok := l.spans[nm]; ok {
				tr.segs = append(tr.segs, segment{from: s.from, to: at, rank: rState, label: nm, state: nm})
			}
		}
		l.spans, l.spanOrd = nil, nil
	}
	for _, e := range events {
		e.T = normal(e.T)
		if e.Actor == "" || e.Kind == ev.Phase {
			if e.Kind == ev.Phase {
				phases = append(phases, e)
			}
			continue
		}
		tr := by[e.Actor]
		if tr == nil {
			tr = &track{name: e.Actor, first: e.T}
			by[e.Actor] = tr
			order = append(order, tr)
			lives[e.Actor] = &live{}
		}
		l := lives[e.Actor]
		if e.Kind == ev.Note {
			continue
		}
		if tr.events == 0 {
			tr.first = e.T // the lane starts at the first event that is not a note
		}
		tr.events++
		tr.last = e.T
		if l.done {
			l.done = false // it spoke again after done: alive again
		}
		closeWait(tr, l, e.T)
		tone := e.Tone
		if st := attrString(e, ev.AttrState); st != "" || tone != ev.ToneNone {
			if st == "" {
				st = string(tone)
			}
			closeState(tr, l, e.T)
			l.state, l.stateNm, l.tone = &open{from: e.T}, st, tone
		}
		for _, w := range waitedOf(e.Attrs[ev.AttrWaited]) {
			tr.segs = append(tr.segs, segment{from: w[0], to: w[1], rank: rWait})
		}
		if nm := attrString(e, ev.AttrSpanEnd); nm != "" {
			if s, ok := l.spans[nm]; ok {
				tr.segs = append(tr.segs, segment{from: s.from, to: e.T, rank: rState, label: nm, state: nm})
				delete(l.spans, nm)
			}
		}
		if nm := attrString(e, ev.AttrSpan); nm != "" {
			if l.spans == nil {
				l.spans = map[string]open{}
			}
			if _, ok := l.spans[nm]; !ok {
				l.spans[nm] = open{from: e.T}
				l.spanOrd = append(l.spanOrd, nm)
			}
		}
		switch e.Kind {
		case ev.Wait:
			on := attrString(e, ev.AttrLock)
			if on == "" {
				on = attrString(e, ev.AttrOn)
			}
			var held []string
			for _, h := range l.holds {
				if h.label != "" {
					held = append(held, h.label)
				}
			}
			l.wait = &open{from: e.T, label: on, held: held}
		case ev.Acquire:
			l.holds = append(l.holds, open{from: e.T, label: attrString(e, ev.AttrLock)})
		case ev.Release:
			if n := len(l.holds); n > 0 {
				i := n - 1
				if nm := attrString(e, ev.AttrLock); nm != "" {
					for j := n - 1; j >= 0; j-- {
						if l.holds[j].label == nm {
							i = j
							break
						}
					}
				}
				tr.segs = append(tr.segs, segment{from: l.holds[i].from, to: e.T, rank: rHold, label: l.holds[i].label})
				l.holds = append(l.holds[:i], l.holds[i+1:]...)
			}
		case ev.Done:
			closeAll(tr, l, e.T)
			l.done = true
		}
		if end, _ := e.Attrs[ev.AttrEnd].(bool); end && e.Kind != ev.Done {
			closeAll(tr, l, e.T)
			l.done = true
		}
		switch e.Kind {
		case ev.Wake:
			if w := attrString(e, ev.AttrBy); w != "" {
				wakes = append(wakes, woke{at: e.T, by: w, whom: e.Actor})
			}
		}
		if r, ok := markRank[e.Kind]; ok {
			tr.marks = append(tr.marks, mark{at: e.T, ch: markers[e.Kind], rank: r, tone: tone})
		}
	}
	var out []*track
	for _, tr := range order {
		l := lives[tr.name]
		if tr.events == 0 {
			continue // only notes: no lane
		}
		if !l.done {
			closeAll(tr, l, end)
			tr.heard, tr.silent, tr.last = tr.last, true, end
		}
		out = append(out, tr)
	}
	for _, w := range wakes {
		if tr := by[w.by]; tr != nil && tr.events > 0 {
			tr.marks = append(tr.marks, mark{at: w.at, ch: chWoke, rank: rWoke})
		}
	}
	return out, wakes, phases
}

// waitedOf reads an ev.AttrWaited list, as a scenario gives it or as JSON
// decodes it.
func waitedOf(v any) [][2]time.Duration {
	ms := func(f float64) time.Duration { return time.Duration(math.Round(f*1000)) * time.Microsecond }
	var out [][2]time.Duration
	switch x := v.(type) {
	case [][2]float64:
		for _, p := range x {
			out = append(out, [2]time.Duration{ms(p[0]), ms(p[1])})
		}
	case []any:
		for _, p := range x {
			pair, ok := p.([]any)
			if !ok || len(pair) != 2 {
				continue
			}
			a, ok1 := pair[0].(float64)
			b, ok2 := pair[1].(float64)
			if ok1 && ok2 && b >= a {
				out = append(out, [2]time.Duration{ms(a), ms(b)})
			}
		}
	}
	return out
}

// stem is an actor's name without its number: "customer-12" and
// "buyer-3 [pid 42]" are "customer-*" and "buyer-*".
func stem(name string) string {
	if i := strings.Index(name, " [pid "); i > 0 {
		name = name[:i]
	}
	s := strings.TrimRight(name, "0123456789")
	if s == name || s == "" {
		return name
	}
	return s + "*"
}

// lane is one drawn row: a track, or a group of tracks with one stem.
type lane struct {
	label   string
	members []*track
}

// group makes the lanes: one per track, or, when there are more than
// MaxLanes, one per stem shared by several tracks. Lanes that still do not
// fit are left out and counted.
func group(trs []*track) (lanes []lane, left []string) {
	for _, tr := range trs {
		lanes = append(lanes, lane{label: tr.name, members: []*track{tr}})
	}
	if len(lanes) <= MaxLanes {
		return lanes, nil
	}
	count := map[string]int{}
	for _, tr := range trs {
		count[stem(tr.name)]++
	}
	lanes = nil
	at := map[string]int{}
	for _, tr := range trs {
		s := stem(tr.name)
		if count[s] < 2 {
			lanes = append(lanes, lane{label: tr.name, members: []*track{tr}})
			continue
		}
		if i, ok := at[s]; ok {
			lanes[i].members = append(lanes[i].members, tr)
			continue
		}
		at[s] = len(lanes)
		lanes = append(lanes, lane{members: []*track{tr}})
	}
	for i := range lanes {
		if len(lanes[i].members) > 1 {
			lanes[i].label = fmt.Sprintf("%s ×%d", stem(lanes[i].members[0].name), len(lanes[i].members))
		}
	}
	if len(lanes) > MaxLanes {
		for _, l := range lanes[MaxLanes-1:] {
			left = append(left, l.label)
		}
		lanes = lanes[:MaxLanes-1]
	}
	return lanes, left
}

// axis maps story time to columns.
type axis struct {
	cols  int
	story float64 // story seconds of the whole drawing
	speed float64
}

func (a axis) col(d time.Duration) int {
	if a.story <= 0 {
		return 0
	}
	c := int(d.Seconds() * a.speed * float64(a.cols) / a.story)
	return min(max(c, 0), a.cols-1)
}

// span is the columns [from, to] a segment covers: at least one.
func (a axis) span(from, to time.Duration) (int, int) {
	c0 := a.col(from)
	c1 := a.col(to)
	if to > from && c1 > c0 {
		// The column to falls in belongs to the segment only if it
		// covers some of it.
		edge := time.Duration(float64(c1) * a.story / float64(a.cols) / a.speed * float64(time.Second))
		if to <= edge {
			c1--
		}
	}
	return c0, max(c0, c1)
}

// niceStep is a tick step of 1, 2 or 5 times a power of ten, at least
// minStep story seconds.
func niceStep(minStep float64) float64 {
	if minStep <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(minStep)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= minStep*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// secs formats v seconds with at most 3 decimals, or 2 significant digits
// below 0.01.
func secs(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i > 4 {
		prec := 3
		if v > 0 && v < 0.01 {
			prec = int(-math.Floor(math.Log10(v))) + 1
		}
		s = strconv.FormatFloat(v, 'f', prec, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "s"
}

// DrawTimeline draws events (a run's, in order) as swimlanes cols columns
// wide, on a time axis in story seconds (real time × speed) from 0 to end.
// Every line fits in cols columns; th decides colour.
func DrawTimeline(events []ev.Event, end time.Duration, speed float64, cols int, th *Theme) []string {
	if cols <= 0 {
		cols = DefaultWidth
	}
	if speed <= 0 {
		speed = 10
	}
	end = normal(end)
	for _, e := range events {
		end = max(end, normal(e.T))
	}
	trs, wakes, phases := tracks(events, end)
	lanes, left := group(trs)
	var out []string
	if len(lanes) == 0 {
		return []string{th.Bold.Sprint("timeline") + ": no actor did anything to draw"}
	}

	lw := 0
	for _, l := range lanes {
		lw = max(lw, utf8.RuneCountInString(l.label))
	}
	lw = min(lw, max(8, cols/4))
	ax := axis{cols: cols - lw - 1, story: end.Seconds() * speed, speed: speed}
	if ax.cols < 10 {
		ax.cols = 10
	}
	perCol := ax.story / float64(ax.cols)

	// Tick labels, at least 8 columns apart.
	step := niceStep(perCol * 8)
	ticks := []rune(strings.Repeat(" ", ax.cols))
	ruler := []rune(strings.Repeat(" ", ax.cols))
	nextFree := 0
	for k := 0; ; k++ {
		v := float64(k) * step
		if v > ax.story*(1+1e-9) {
			break
		}
		c := int(math.Round(v / perCol))
		if c >= ax.cols {
			c = ax.cols - 1
		}
		lab := []rune(secs(v))
		if c < nextFree || c+len(lab) > ax.cols {
			continue
		}
		copy(ticks[c:], lab)
		ruler[c] = '|'
		nextFree = c + len(lab) + 1
	}
	for i, p := range phases {
		if i < 9 {
			ruler[ax.col(normal(p.T))] = rune('1' + i)
		}
	}
	title := fmt.Sprintf("timeline · story seconds · 1 column = %s story-s", strings.TrimSuffix(secs(perCol), "s"))
	out = append(out, th.Bold.Sprint(ev.Clip(title, cols)))
	out = append(out, strings.TrimRight(pad("", lw)+" "+string(ticks), " "))
	out = append(out, strings.TrimRight(pad("", lw)+" "+string(ruler), " "))

	// States and spans get their fills in order of first appearance.
	fills := map[string]string{}
	var fillOrder []string
	used := map[string]bool{}
	stateStyle := func(s segment) *color.Color {
		switch s.tone {
		case ev.ToneGreen:
			return th.Good
		case ev.ToneRed:
			return th.Bad
		}
		return th.Bold
	}
	actorStyle := map[string]*color.Color{}
	for i, l := range lanes {
		actorStyle[l.label] = th.actors[i%len(th.actors)]
	}

	paint := func(tr *track, style *color.Color) []cell {
		cells := make([]cell, ax.cols)
		c0, c1 := ax.span(tr.first, tr.last)
		quiet := c1 + 1 // the first column after the actor was last heard from
		if tr.silent {
			quiet = ax.col(tr.heard) + 1
		}
		for c := c0; c <= c1; c++ {
			ch := chRun
			if c >= quiet {
				ch = chQuiet
			}
			cells[c] = cell{ch: ch, rank: rRun, style: style}
		}
		put := func(c int, x cell) {
			if x.rank > cells[c].rank {
				cells[c] = x
			}
		}
		// States first (a wait or hold shows over them, in their colour).
		stateAt := make([]*color.Color, ax.cols)
		for _, s := range tr.segs {
			if s.rank != rState || s.to <= s.from {
				continue
			}
			f, ok := fills[s.state]
			if !ok {
				f = stateFills[len(fills)%len(stateFills)]
				fills[s.state] = f
				fillOrder = append(fillOrder, s.state)
			}
			a, b := ax.span(s.from, s.to)
			for c := a; c <= b; c++ {
				put(c, cell{ch: f, rank: rState, style: stateStyle(s)})
				stateAt[c] = stateStyle(s)
			}
		}
		hold := make([]bool, ax.cols)
		wait := make([]bool, ax.cols)
		for _, s := range tr.segs {
			if s.rank != rHold && s.rank != rWait {
				continue
			}
			a, b := ax.span(s.from, s.to)
			for c := a; c <= b; c++ {
				if s.rank == rHold {
					hold[c] = true
				} else {
					wait[c] = true
				}
			}
		}
		for c := range cells {
			x := cell{}
			switch {
			case hold[c] && wait[c]:
				x = cell{ch: chHoldWait, rank: rHoldWait, style: th.Warn}
			case wait[c]:
				x = cell{ch: chWait, rank: rWait, style: th.Warn}
			case hold[c]:
				x = cell{ch: chHold, rank: rHold, style: th.Lesson}
			default:
				continue
			}
			if stateAt[c] != nil {
				x.style = stateAt[c]
			}
			put(c, x)
		}
		for _, m := range tr.marks {
			st := style
			switch {
			case m.rank == rWarn:
				st = th.Warn
			case m.tone == ev.ToneGreen:
				st = th.Good
			case m.tone == ev.ToneRed:
				st = th.Bad
			}
			put(ax.col(m.at), cell{ch: m.ch, rank: m.rank, style: st})
		}
		return cells
	}

	for _, l := range lanes {
		style := actorStyle[l.label]
		var cells []cell
		for _, tr := range l.members {
			c := paint(tr, style)
			if cells == nil {
				cells = c
				continue
			}
			for i := range cells {
				if c[i].rank > cells[i].rank {
					cells[i] = c[i]
				}
			}
		}
		if len(l.members) > 1 {
			holdCounts(cells, maxHolders(l.members, ax), th)
		}
		if len(l.members) == 1 {
			labelSegments(cells, l.members[0], ax)
		}
		for _, c := range cells {
			if c.count {
				used[chCount] = true
				continue
			}
			used[c.ch] = true
		}
		out = append(out, pad(clipName(l.label, lw), lw)+" "+render(cells, th))
	}
	if len(left) > 0 {
		out = append(out, ev.Clip(fmt.Sprintf("… %d more lane(s) not drawn: %s", len(left), strings.Join(left, ", ")), cols))
	}

	// The legend: only what the drawing uses, on one line: in words, or
	// in short words when the words do not fit.
	var long, short []string
	for _, k := range []struct{ ch, say, brief string }{
		{chRun, "running", "run"}, {chQuiet, "no more events", "quiet"}, {chWait, "waiting", "wait"}, {chHold, "holding", "hold"}, {chHoldWait, "holding+waiting", "hold+wait"},
		{markers[ev.Send], "send", "send"}, {markers[ev.Recv], "recv", "recv"}, {markers[ev.Wake], "woken", "woken"}, {chWoke, "woke another", "woke"},
		{markers[ev.Step], "step", "step"}, {markers[ev.Warn], "warning", "warn"}, {markers[ev.Done], "done", "done"},
	} {
		if used[k.ch] {
			long = append(long, k.ch+" "+k.say)
			short = append(short, k.ch+k.brief)
		}
	}
	if used[chCount] {
		long = append(long, "2–9 holding at once (+ ten or more)")
		short = append(short, "2–9 holders")
	}
	for _, s := range fillOrder {
		if used[fills[s]] {
			long = append(long, fills[s]+" "+s)
			short = append(short, fills[s]+s)
		}
	}
	if legend := strings.Join(long, "  "); utf8.RuneCountInString(legend) <= cols {
		out = append(out, th.Dim.Sprint(legend))
	} else {
		for _, l := range Wrap(strings.Join(short, " "), cols, cols) {
			out = append(out, th.Dim.Sprint(l))
		}
	}
	if len(phases) > 0 {
		for i, p := range phases {
			if i == 3 && len(phases) > 4 {
				out = append(out, ev.Clip(fmt.Sprintf("  … and %d more phases", len(phases)-3), cols))
				break
			}
			out = append(out, ev.Clip(fmt.Sprintf("%d at %s: %s", i+1, secs(math.Round(normal(p.T).Seconds()*speed*100)/100), p.Msg), cols))
		}
	}
	if len(wakes) > 0 {
		// Wakes at one instant come in the scheduler's order: list them in
		// the lanes' order, so that a drawing depends on the times alone.
		pos := map[string]int{}
		for i, tr := range trs {
			pos[tr.name] = i
		}
		sort.SliceStable(wakes, func(i, j int) bool {
			if wakes[i].at != wakes[j].at {
				return wakes[i].at < wakes[j].at
			}
			return pos[wakes[i].whom] < pos[wakes[j].whom]
		})
		var parts []string
		for _, w := range wakes {
			parts = append(parts, fmt.Sprintf("%s→%s %s", w.by, w.whom, secs(math.Round(w.at.Seconds()*speed*100)/100)))
		}
		out = append(out, ev.Clip(fmt.Sprintf("woke (%d): %s", len(wakes), strings.Join(parts, ", ")), cols))
	}
	return out
}

// maxHolders is, per column, the most members that hold something at
// one moment within the column's time (a release and an acquire at the
// same instant count as a hand-over, not as two holders).
func maxHolders(members []*track, ax axis) []int {
	type point struct {
		at    time.Duration
		delta int
	}
	var pts []point
	for _, tr := range members {
		for _, s := range tr.segs {
			if s.rank == rHold && s.to > s.from {
				pts = append(pts, point{s.from, +1}, point{s.to, -1})
			}
		}
	}
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].at != pts[j].at {
			return pts[i].at < pts[j].at
		}
		return pts[i].delta < pts[j].delta
	})
	out := make([]int, ax.cols)
	cur := 0
	for i, p := range pts {
		cur += p.delta
		if i+1 == len(pts) || pts[i+1].at <= p.at {
			continue
		}
		a, b := ax.span(p.at, pts[i+1].at)
		for c := a; c <= b; c++ {
			out[c] = max(out[c], cur)
		}
	}
	return out
}

// holdCounts writes, in a lane that groups several actors, how many of
// them hold something (a lock, a permit) at once, at most, in each column
// where two or more do: "5" all along semaphore limit's workers is the limit of 5 at
// work. Ten or more show as "+". A column whose mark ranks above holding
// keeps its mark.
func holdCounts(cells []cell, holders []int, th *Theme) {
	for i, n := range holders {
		if n < 2 || (cells[i].rank != rHold && cells[i].rank != rHoldWait) {
			continue
		}
		ch := "+"
		if n < 10 {
			ch = strconv.Itoa(n)
		}
		cells[i] = cell{ch: ch, rank: cells[i].rank, style: th.Lesson, count: true}
	}
}

// labelSegments writes what a wait waits on, which lock a hold holds and
// a state's name into the segment's cells, where it fits.
func labelSegments(cells []cell, tr *track, ax axis) {
	for _, s := range tr.segs {
		if s.label == "" && len(s.held) == 0 {
			continue
		}
		a, b := ax.span(s.from, s.to)
		if a+1 >= len(cells) {
			continue
		}
		ch, rank := cells[a+1].ch, cells[a+1].rank
		switch {
		case s.rank == rState && rank == rState,
			s.rank == rHold && (rank == rHold || rank == rHoldWait),
			s.rank == rWait && (rank == rWait || rank == rHoldWait):
		default:
			continue
		}
		// The longest label that fits in the run of this segment's cells.
		room := 0
		for c := a + 1; c <= b && cells[c].ch == ch; c++ {
			room++
		}
		cands := []string{s.label}
		if s.rank == rWait && len(s.held) > 0 {
			h := strings.Join(s.held, "+")
			if s.label != "" {
				cands = []string{"holds " + h + ", waits for " + s.label, h + ", wants " + s.label, s.label}
			} else {
				cands = []string{"holds " + h + ", waits", h}
			}
		}
		for _, l := range cands {
			lab := []rune(l)
			if l == "" || len(lab)+1 > room {
				continue
			}
			for i, r := range lab {
				cells[a+1+i].ch = string(r)
			}
			break
		}
	}
}

func clipName(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// render joins cells, one colour sequence per run of one style, with
// trailing blanks dropped.
func render(cells []cell, th *Theme) string {
	last := len(cells)
	for last > 0 && cells[last-1].ch == "" {
		last--
	}
	var b strings.Builder
	for i := 0; i < last; {
		j := i
		var run strings.Builder
		for j < last && cells[j].style == cells[i].style {
			ch := cells[j].ch
			if ch == "" {
				ch = " "
			}
			run.WriteString(ch)
			j++
		}
		if cells[i].style != nil && cells[i].ch != "" {
			b.WriteString(cells[i].style.Sprint(run.String()))
		} else {
			b.WriteString(run.String())
		}
		i = j
	}
	return b.String()
}

// Replayed makes t draw a recorded run (`pardemo timeline`): no note that
// the drawing comes later, no warnings printed ahead of it.
func (t *Timeline) Replayed() *Timeline {
	t.replayed = true
	return t
}

// EventOf is the event an EventLine (a --json event line) describes: the
// inverse of the JSON renderer's Event, to the microsecond.
func EventOf(l EventLine) ev.Event {
	return ev.Event{T: time.Duration(math.Round(l.TMs*1000)) * time.Microsecond, Actor: l.Actor, Kind: l.Kind, Msg: l.Msg, Attrs: l.Attrs, Tone: l.Tone}
}
