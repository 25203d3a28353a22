package cmd

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// timeline is the renderer of --view timeline: the text view's title card
// and verdict around swimlanes drawn after the run, at the terminal's
// width (80 when piped or unknown).
func (a *app) timeline() *ui.Timeline {
	return ui.NewTimeline(a.io.Out, ui.NewTheme(a.io.UseColor(a.color)), a.timelineWidth())
}

func (a *app) timelineWidth() int {
	if w := a.width(); w > 0 {
		return w
	}
	return ui.DefaultWidth
}

// checkView refuses --view timeline where it cannot be drawn: with --json
// (the JSON events are what a timeline is drawn from) and with many runs
// (--trials, verify, a sweep of --workers 1,2,4: their tables are the view).
func (a *app) checkView(manyRuns bool) error {
	if a.view != "timeline" {
		return nil
	}
	if a.json {
		return usagef("--view timeline does not combine with --json: the JSON events are what a timeline is drawn from (see 'pardemo timeline')")
	}
	if manyRuns {
		return usagef("--view timeline draws one run; --trials, verify and a sweep run many: drop one of them")
	}
	return nil
}

func (a *app) newTimeline() *cobra.Command {
	return &cobra.Command{
		Use:   "timeline [FILE|-]",
		Short: "Draw the timeline of a recorded --json run (a file, or - for stdin)",
		Long: `timeline reads the JSON lines of a run (pardemo NAME --json > run.jsonl)
and draws the same swimlanes as --view timeline: one lane per actor on a
time axis in story seconds, with running, waiting and holding segments and
marks for sends, receives and wakes, then the verdict. With no FILE, or
"-", it reads stdin. A run-all's lines give one timeline per scenario.`,
		Example: "  pardemo traffic-light --json > run.jsonl\n  pardemo timeline run.jsonl\n  pardemo barrier --json | pardemo timeline",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in := a.io.In
			name := "stdin"
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return usagef("cannot read %s: %v", args[0], unwrapPath(err))
				}
				defer f.Close()
				in, name = f, args[0]
			}
			return a.replayTimeline(in, name)
		},
	}
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// replayTimeline draws one timeline per run in the JSON lines from in.
func (a *app) replayTimeline(in io.Reader, name string) error {
	out := ui.NewTimeline(a.io.Out, ui.NewTheme(a.io.UseColor(a.color)), a.timelineWidth()).Replayed()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	var events []ev.Event
	runs, n := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var typ struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(line), &typ); err != nil {
			return usagef("%s line %d is not a JSON line of pardemo --json: %v", name, n, err)
		}
		switch typ.Type {
		case "event":
			var el ui.EventLine
			if err := json.Unmarshal([]byte(line), &el); err != nil {
				return usagef("%s line %d: %v", name, n, err)
			}
			events = append(events, ui.EventOf(el))
		case "result":
			var rl ui.ResultLine
			if err := json.Unmarshal([]byte(line), &rl); err != nil {
				return usagef("%s line %d: %v", name, n, err)
			}
			h := a.headerOf(rl.Demo, rl.Seed, rl.Speed, rl.Knobs)
			out.Begin(h)
			for _, e := range events {
				out.Event(e)
			}
			out.End(h, ev.Result{Verdict: rl.Verdict, Observed: rl.LessonObserved, Hint: rl.Hint}, msDur(rl.WallMs))
			events, runs = nil, runs+1
		case "error":
			var el ui.ErrorLine
			if err := json.Unmarshal([]byte(line), &el); err != nil {
				return usagef("%s line %d: %v", name, n, err)
			}
			if el.Demo == "" && len(events) == 0 {
				continue // an error before any run began
			}
			h := a.headerOf(el.Demo, 0, 0, nil)
			out.Begin(h)
			for _, e := range events {
				out.Event(e)
			}
			out.Fail(h, el.Msg, el.ExitCode)
			events, runs = nil, runs+1
		case "summary":
			var sl ui.SummaryLine
			if err := json.Unmarshal([]byte(line), &sl); err != nil {
				return usagef("%s line %d: %v", name, n, err)
			}
			var rows []ui.SummaryRow
			for _, r := range sl.Demos {
				rows = append(rows, ui.SummaryRow{Demo: r.Demo, Wall: msDur(r.WallMs), Verdict: r.Verdict, Short: r.Short, Observed: r.LessonObserved, Failed: r.Failed})
			}
			out.Summary(rows)
		}
		if err := out.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if len(events) > 0 {
		// A recording cut short (Ctrl-C on the recording, `| head`): draw
		// what is there, then say so.
		h := ev.Header{Demo: "a recording without a result line (which run, at what speed, is not known): drawn in real seconds", Speed: 1}
		out.Begin(h)
		for _, e := range events {
			out.Event(e)
		}
		msg := fmt.Sprintf("%s ends with %d event(s) and no result line: the recording was cut short", name, len(events))
		out.Fail(h, msg, 1)
		if err := out.Err(); err != nil {
			return err
		}
		return errors.New(msg)
	}
	if runs == 0 {
		return usagef("%s holds no run: want the JSON lines of 'pardemo NAME --json' (events, then a result line)", name)
	}
	return out.Err()
}

func msDur(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1000)) * time.Microsecond
}

// headerOf rebuilds a run's header from its result line: the lesson's
// words from the registry, the knobs that differ from the defaults as the
// replay line's parameters.
func (a *app) headerOf(demo string, seed int64, speed float64, knobs map[string]any) ev.Header {
	h := ev.Header{Demo: demo, Seed: seed, Speed: speed, Knobs: knobs}
	d, ok := find(a.reg, demo)
	if !ok {
		if h.Demo == "" {
			h.Demo = "(unknown scenario)"
		}
		return h
	}
	h.ID, h.Title, h.Python, h.Go = d.ID, d.Title, d.Python, d.Go
	b := d.Bind()
	defaults := b.Values()
	names := make([]string, 0, len(knobs))
	for k := range knobs {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		s := knobText(knobs[k])
		if s == knobText(defaults[k]) {
			continue
		}
		_ = b.Set(k, s) // a value it refuses stays out of the replay line
	}
	h.Params = b.Given()
	return h
}

func knobText(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = knobText(p)
		}
		return strings.Join(parts, ",")
	case []int64:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = strconv.FormatInt(p, 10)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}
