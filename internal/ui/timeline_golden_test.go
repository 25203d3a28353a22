package ui_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/trafficlight"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/ui"
)

// In fake time (synctest) traffic-light's events come at exact times, so
// its timeline is the same every run, column for column: the light's
// green and red phases, the cars that came on green crossing at once, the
// ones that came on red waiting for the light, and the light waking them.
func TestTrafficLightTimelineGolden(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &ui.Capture{}
		d := trafficlight.New()
		b := d.Bind()
		if err := b.Set("cars", "9"); err != nil {
			t.Fatal(err)
		}
		_, wall, err := demos.Execute(t.Context(), d, demos.Config{Seed: 42, Speed: 10, Knobs: b, Watchdog: 5 * time.Second, Quiet: demos.QuietOff}, c)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(ui.DrawTimeline(c.Events, wall, 10, 80, ui.NewTheme(false)), "\n") + "\n"
		if got != goldenTrafficLight {
			t.Errorf("got\n%s\nwant\n%s", got, goldenTrafficLight)
		}
		// The same run's --json lines, decoded, draw the same lanes, in
		// colour too.
		var lines bytes.Buffer
		j := ui.NewJSON(&lines)
		for _, e := range c.Events {
			j.Event(e)
		}
		var back []ev.Event
		for _, l := range strings.Split(strings.TrimSpace(lines.String()), "\n") {
			var el ui.EventLine
			if err := json.Unmarshal([]byte(l), &el); err != nil {
				t.Fatal(err)
			}
			back = append(back, ui.EventOf(el))
		}
		for _, on := range []bool{false, true} {
			direct := strings.Join(ui.DrawTimeline(c.Events, wall, 10, 80, ui.NewTheme(on)), "\n")
			replayed := strings.Join(ui.DrawTimeline(back, wall, 10, 80, ui.NewTheme(on)), "\n")
			if direct != replayed {
				t.Errorf("colour %v: from the events\n%s\nfrom their JSON\n%s", on, direct, replayed)
			}
		}
	})
}

const goldenTrafficLight = `timeline · story seconds · 1 column = 0.324 story-s
      0s             5s              10s            15s             20s
      |              |               |              |               |
light ═green═══════════════════════════red×××××××××××↓green═════════════════════
car-1 ■
car-2          ■
car-3                   ■
car-4                            ■
car-5                                      ░light░░░░↑
car-6                                               ░↑
car-7                                                        ■
car-8                                                                 ■
car-9                                                                          ■
░ waiting  ↑ woken  ↓ woke another  ■ done  ═ green  × red
woke (2): light→car-5 15.5s, light→car-6 15.5s
`
