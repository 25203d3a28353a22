// Package trafficlight is scenario S7: an event used as a traffic light.
package trafficlight

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	isync "github.com/pardemo/pardemo/internal/sync"
)

//go:embed lesson.md
var lesson string

// The cookbook's light: a tick every half story-second, green for ticks
// 0–20, red for ticks 21–30, then green again. Cars arrive 3 s apart.
const (
	tick       = 0.5
	lastGreen  = 20
	cycleTicks = 31
	arrivalGap = 3.0
	// redFor is how long the light stays red: ticks 21–30.
	redFor = (cycleTicks - 1 - lastGreen) * tick
)

// Options are the scenario's knobs.
type Options struct {
	Cars int // cars arriving, 3 story-seconds apart
}

// Metrics are what the scenario measured.
type Metrics struct {
	Cars         int     `json:"cars"`           // cars that arrived
	Crossed      int     `json:"crossed"`        // cars that crossed (always equals cars when the run ends normally)
	CrossedOnRed int     `json:"crossed_on_red"` // crossings while the light was red, replayed from the order of light changes and crossings: must be 0
	Waited       int     `json:"waited"`         // cars that met a red light and waited
	MaxWaitMs    float64 `json:"max_wait_ms"`    // the longest wait
	// LongestWaiter is the car that waited longest ("" when no car waited).
	LongestWaiter string `json:"longest_waiter"`
	// LongestWaitStory is its wait in story-seconds (0 when no car waited).
	LongestWaitStory float64 `json:"longest_wait_story"`
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "traffic-light", ID: "S7",
		Title:  "An event as a traffic light: cars cross on green and wait on red",
		Python: "threading.Event", Go: "isync.Event (a closed channel for a one-shot signal)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Cars, "cars", "cars arriving, 3 story-seconds apart", 6, 1, 40)
		},
		Explain:  lesson,
		Lesson:   []string{"internal/sync/event.go", "demos/trafficlight/trafficlight.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// junction makes "look at the light, then drive" one step: the light
// changes colour and a car crosses under the same lock, so no car can see
// green and cross after the light has turned red. It also keeps the order
// of changes and crossings, from which the verdict checks that rule.
type junction struct {
	mu    sync.Mutex
	light *isync.Event // set = green
	log   []string     // "green", "red", or the name of a car that crossed
}

type car struct {
	name             string
	arrived, crossed time.Duration
	waited           bool
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	j := &junction{light: isync.NewEvent()}
	n := o.Cars
	env.Log("light", ev.Note, "the light is an event: set means green, clear means red; a car that finds it clear blocks in Wait until it is set")

	// The light is green before the first car can look at it.
	j.change(env, true, 0)
	lightCtx, stopLight := context.WithCancel(ctx)
	defer stopLight()
	lightDone := make(chan struct{})
	go func() {
		defer close(lightDone)
		runLight(lightCtx, env, j)
	}()

	cars := make([]*car, n)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for i := range n {
		if i > 0 {
			if err := env.SleepUntil(ctx, float64(i)*arrivalGap); err != nil {
				errOnce.Do(func() { firstErr = err })
				break
			}
		}
		c := &car{name: fmt.Sprintf("car-%d", i+1)}
		cars[i] = c
		wg.Go(func() {
			if err := drive(ctx, env, j, c); err != nil {
				errOnce.Do(func() { firstErr = err })
			}
		})
	}
	wg.Wait()
	stopLight() // the cookbook's light runs forever; ours stops once every car is across
	<-lightDone
	if firstErr != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	return conclude(env.Speed, j, cars), nil
}

// runLight ticks from tick 0, which run has already shown green.
func runLight(ctx context.Context, env *demos.Env, j *junction) {
	for k := 1; ; k++ {
		if env.SleepUntil(ctx, float64(k)*tick) != nil {
			return
		}
		switch t := k % cycleTicks; t {
		case 0:
			j.change(env, true, t)
		case lastGreen + 1:
			j.change(env, false, t)
		}
	}
}

// change sets (green) or clears (red) the light, under the junction lock.
func (j *junction) change(env *demos.Env, green bool, tick int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	light := ev.Event{Actor: "light", Kind: ev.Step, Msg: "GREEN: cars may cross", Tone: ev.ToneGreen,
		Attrs: map[string]any{"light": "green", "tick": tick}}
	if !green {
		light.Msg, light.Tone, light.Attrs["light"] = "RED: cars must wait", ev.ToneRed, "red"
	}
	// Said before it is done: a waiting car wakes the moment the light is
	// set and says so without the junction lock, so the light must have
	// spoken already.
	env.Emit(light)
	if green {
		j.light.Set()
		j.log = append(j.log, "green")
	} else {
		j.light.Clear()
		j.log = append(j.log, "red")
	}
}

// drive is one car: cross if the light is green, otherwise wait for it.
func drive(ctx context.Context, env *demos.Env, j *junction, c *car) error {
	c.arrived = env.Now()
	env.Log(c.name, ev.Start, "arrives at the light")
	for {
		j.mu.Lock()
		if j.light.IsSet() {
			c.crossed = env.Now()
			j.log = append(j.log, c.name)
			msg := "crosses on green"
			if c.waited {
				msg = fmt.Sprintf("crosses on green after waiting %s", ev.Dur(c.crossed-c.arrived))
			}
			env.Emit(ev.Event{Actor: c.name, Kind: ev.Done, Msg: msg, Tone: ev.ToneGreen,
				Attrs: map[string]any{"waited_ms": ev.Ms(c.crossed - c.arrived)}})
			j.mu.Unlock()
			return nil
		}
		c.waited = true
		env.Emit(ev.Event{Actor: c.name, Kind: ev.Wait, Msg: "the light is red: waits", Tone: ev.ToneRed,
			Attrs: map[string]any{ev.AttrOn: "light"}})
		j.mu.Unlock()
		if err := j.light.Wait(ctx); err != nil {
			return err
		}
		env.Log(c.name, ev.Wake, "woken: the light turned green", ev.AttrBy, "light")
	}
}

func conclude(speed float64, j *junction, cars []*car) ev.Result {
	// Replay the junction's log: which colour was the light at each crossing?
	onRed, crossed, colour := 0, 0, "red"
	for _, entry := range j.log {
		switch entry {
		case "green", "red":
			colour = entry
		default:
			crossed++
			if colour != "green" {
				onRed++
			}
		}
	}
	tb := ev.Table{Title: "cars", Header: []string{"car", "arrived", "waited", "crossed"}}
	waited := 0
	var maxWait, longest time.Duration
	longestWaiter := ""
	for _, c := range cars {
		w := c.crossed - c.arrived
		maxWait = max(maxWait, w)
		note := "—"
		if c.waited {
			waited++
			if longestWaiter == "" || w > longest {
				longestWaiter, longest = c.name, w
			}
			note = fmt.Sprintf("%s (%s story)", ev.Dur(w), ev.Dur(time.Duration(float64(w)*speed)))
		}
		tb.Rows = append(tb.Rows, []string{c.name, "+" + ev.Dur(c.arrived), note, "+" + ev.Dur(c.crossed)})
	}
	res := ev.Result{
		Metrics: Metrics{Cars: len(cars), Crossed: crossed, CrossedOnRed: onRed, Waited: waited, MaxWaitMs: ev.Ms(maxWait), LongestWaiter: longestWaiter, LongestWaitStory: math.Round(longest.Seconds()*speed*1000) / 1000},
		Tables:  []ev.Table{tb},
		Timing:  []ev.Timing{{Label: "longest wait", D: maxWait}},
	}
	// A car that meets red waits at most for the rest of the red phase.
	redPace := demos.NewPace(speed, redFor, maxWait)
	res.Verdict = fmt.Sprintf("%d of %d cars crossed, %d waited for green (longest %s story-s), %d crossed on red",
		crossed, len(cars), waited, ev.Float(redPace.StoryGot()), onRed)
	switch {
	case onRed > 0 || crossed != len(cars):
		res.Verdict += " — that breaks the rule the event enforces: please report it"
	case !redPace.Kept():
		res.Verdict += fmt.Sprintf(": no car should wait longer than the red phase (%g story-s), yet ", redFor) + redPace.Behind()
		res.Hint = demos.PaceHint
	case waited == 0:
		res.Verdict += ": no car met a red light this time"
		res.Hint = "--cars 5 or more: the light turns red 10.5 story-seconds in, and the fifth car arrives at 12, while it is red"
		if len(cars) >= 5 {
			res.Hint = "a lower --speed: at this speed the machine could not keep the light on schedule"
		}
	default:
		res.Observed = true
	}
	return res
}
