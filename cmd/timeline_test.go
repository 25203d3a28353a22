package cmd_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/internal/ui"
)

// Every scenario's default run, drawn with --view timeline into a pipe:
// the drawing comes after the run, at 80 columns, and every line of the
// output fits them.
func TestTimelineOfEveryScenarioFits80(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario")
	}
	start := time.Now()
	for _, d := range cmd.Registry() {
		speed := "1000"
		if d.MaxSpeed > 0 && d.MaxSpeed < 1000 {
			speed = strconv.FormatFloat(d.MaxSpeed, 'g', -1, 64)
		}
		streams, out, errb := ui.Test()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		code := cmd.Run(ctx, append(strings.Fields(d.Name), "--view", "timeline", "--speed", speed, "--seed", "1"), streams, repoFS)
		cancel()
		if code == 2 {
			t.Errorf("%s: usage error: %s", d.Name, errb.String())
			continue
		}
		s := out.String()
		i := strings.Index(s, "\ntimeline · ")
		if i < 0 && !strings.Contains(s, "timeline: no actor did anything") {
			t.Errorf("%s (exit %d): no timeline in:\n%s", d.Name, code, s)
			continue
		}
		if strings.Contains(s, "\x1b[") {
			t.Errorf("%s: colour escapes into a pipe", d.Name)
		}
		for _, l := range strings.Split(s, "\n") {
			if n := utf8.RuneCountInString(l); n > ui.DefaultWidth {
				t.Errorf("%s: a line of %d columns: %q", d.Name, n, l)
			}
		}
		if i >= 0 {
			drawing, _, _ := strings.Cut(s[i+1:], "\n\n")
			if rows := strings.Count(drawing, "\n") + 1; rows > 32 {
				t.Errorf("%s: the drawing takes %d rows, want ≤ 32:\n%s", d.Name, rows, drawing)
			}
		}
	}
	t.Logf("%d scenarios in %v", len(cmd.Registry()), time.Since(start).Round(time.Millisecond))
}
