// Package asyncfsm is scenario A2: a finite-state machine whose states are
// coroutines awaiting each other, with seeded random transitions.
package asyncfsm

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
)

//go:embed lesson.md
var lesson string

// The cookbook's numbers: state 1 awaits 1 story-second; each state draws
// 0 or 1 to pick the next.
const (
	state1Sleep = 1.0
	slack       = 0.3 // story seconds the run may exceed its awaits and count as on time
)

// next is the transition table: from each state, where 0 and 1 lead.
func next(state string, value int) string {
	table := map[string][2]string{
		"Start":  {"State2", "State1"},
		"State1": {"State3", "State2"},
		"State2": {"State1", "State3"},
		"State3": {"State1", "End"},
	}
	to, ok := table[state]
	if !ok || value < 0 || value > 1 {
		return ""
	}
	return to[value]
}

// Options are the scenario's knobs.
type Options struct {
	MaxTransitions int // stop the machine after this many transitions if End has not come
}

// Metrics are what the scenario measured.
type Metrics struct {
	Path         []string `json:"path"`          // the states visited, from Start
	Values       []int    `json:"values"`        // the value drawn in each state but End, which chose the next
	ReachedEnd   bool     `json:"reached_end"`   // the machine reached End within --max-transitions
	State1Visits int      `json:"state1_visits"` // visits to State 1, each awaiting 1 story-second
	TotalStory   float64  `json:"total_story_s"` // the run, story seconds: about state1_visits
	Replayed     bool     `json:"replayed"`      // the same seed, replayed without the loop, gives the same path
	MaxHolders   int      `json:"max_holders"`   // most goroutines ever running loop code at once: 1
	Tolerance    float64  `json:"tolerance_s"`   // how much longer than its awaits the run may take: 0.3 story-seconds or 20 ms of real time, the larger
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async fsm", ID: "A2",
		Title:  "A state machine of coroutines: each state awaits the next",
		Speed:  1, // pacing (issue 13): the cookbook's own pace; each State 1 awaits 1 s, so 10× ran in 0.1–0.3 s
		Python: "async def states calling each other with await; random.randint for the transitions",
		Go:     "plain function calls (a goroutine blocks where a coroutine awaits), or a state-function loop",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.MaxTransitions, "max-transitions", "stop the machine after this many transitions if End has not come", 25, 1, 200)
		},
		Explain: lesson,
		Lesson:  []string{"demos/asyncfsm/asyncfsm.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "reached End", Class: demos.Interesting, Desc: "the seeded path ran from Start to End, each State 1 awaiting its second",
				When: func(o *Options, m Metrics) bool { return legal(m) && m.ReachedEnd && onTime(m) }},
			{Name: "cut short", Class: demos.Acceptable, Desc: "End did not come within --max-transitions",
				When: func(o *Options, m Metrics) bool { return legal(m) && !m.ReachedEnd && onTime(m) }},
			{Name: "late", Class: demos.Acceptable, Desc: "a legal path, but the machine ran the awaits late",
				When: func(o *Options, m Metrics) bool { return legal(m) }},
			{Name: "illegal path", Class: demos.Forbidden, Desc: "a transition the table does not allow, or a path the seed does not replay",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Run:  run,
		Quiz: quiz,
	}.Demo()
}

// fsm is the machine: each state is a coroutine (a function of the
// task, called with await in Python, called plainly here) that draws
// the next transition and awaits the next state. The path is collected
// on the way; every state runs in the one task, one at a time.
type fsm struct {
	env    *demos.Env
	rand   *rand.Rand
	left   int
	path   []string
	values []int
}

var errCut = errors.New("cut short")

func (f *fsm) enter(co *loop.Co, state string, value int) (string, error) {
	f.path = append(f.path, state)
	if state == "End" {
		f.env.Logf(co.Name(), ev.Done, "End State with transition value = %d: ...Stop Computation...", value)
		return fmt.Sprintf("End State with transition value = %d", value), nil
	}
	draw := f.rand.IntN(2)
	f.values = append(f.values, draw)
	if state == "State1" {
		if err := co.Sleep(state1Sleep); err != nil { // the one await that gives the loop back
			return "", err
		}
	}
	if f.left == 0 {
		f.env.Logf(co.Name(), ev.Warn, "%s with transition value = %d: no transitions left", state, value)
		return "", errCut
	}
	f.left--
	to := next(state, draw)
	if state == "Start" {
		f.env.Logf(co.Name(), ev.Start, "Start State called; drew %d → %s", draw, to)
	} else {
		f.env.Logf(co.Name(), ev.Step, "%s with transition value = %d; ...Evaluating... drew %d → %s", state, value, draw, to)
	}
	rest, err := f.enter(co, to, draw) // await NextState(draw)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s with transition value = %d; %s", state, value, rest), nil
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	l := asyncenv.Loop(env)
	f := &fsm{env: env, rand: env.Rand, left: o.MaxTransitions}
	machine := loop.Go(l, "fsm", func(co *loop.Co) (string, error) { return f.enter(co, "Start", 0) })
	begin := env.Now()
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	total := (env.Now() - begin).Seconds() * env.Speed
	result, err := machine.Result()
	m := Metrics{Path: f.path, Values: f.values, ReachedEnd: err == nil, TotalStory: math.Round(total*1000) / 1000,
		MaxHolders: l.Stats().MaxHolders, Tolerance: math.Round(asyncenv.Tolerance(env, slack, 20*time.Millisecond)*1000) / 1000}
	switch {
	case errors.Is(err, errCut):
		env.Logf("main", ev.Warn, "no End after %d transitions: the machine was stopped", o.MaxTransitions)
	case err != nil:
		return ev.Result{}, err
	default:
		env.Logf("main", ev.Done, "Resume of the Transition: %s", result)
	}
	for _, s := range f.path {
		if s == "State1" {
			m.State1Visits++
		}
	}
	m.Replayed = slices.Equal(replay(env.Seed, o.MaxTransitions), m.Path)
	return conclude(env, o, m), nil
}

// replay walks the table with a fresh generator of the same seed, without
// any loop: the path the run should have taken.
func replay(seed int64, maxTransitions int) []string {
	r := demos.NewRand(seed, 0)
	path := []string{"Start"}
	for state := "Start"; state != "End" && len(path) <= maxTransitions; {
		state = next(state, r.IntN(2))
		path = append(path, state)
	}
	return path
}

// legal: every step follows the table with the value drawn, the path
// starts at Start, and the seed replays it.
func legal(m Metrics) bool {
	if len(m.Path) == 0 || m.Path[0] != "Start" || !m.Replayed || m.MaxHolders != 1 {
		return false
	}
	for i := 1; i < len(m.Path); i++ {
		if i-1 >= len(m.Values) || next(m.Path[i-1], m.Values[i-1]) != m.Path[i] {
			return false
		}
	}
	return m.ReachedEnd == (m.Path[len(m.Path)-1] == "End")
}

// onTime: the run took its State 1 awaits, and not much more.
func onTime(m Metrics) bool {
	want := float64(m.State1Visits) * state1Sleep
	return m.TotalStory >= want-0.01 && m.TotalStory <= want+m.Tolerance
}

func conclude(env *demos.Env, o *Options, m Metrics) ev.Result {
	res := ev.Result{Metrics: m, Timing: []ev.Timing{{Label: "the machine ran", D: env.Story(m.TotalStory)}}}
	path := strings.Join(m.Path, " → ")
	switch {
	case !legal(m):
		res.Verdict = fmt.Sprintf("the path %s does not follow the table with the values drawn %v, or the seed does not replay it", path, m.Values)
	case !onTime(m):
		res.Verdict = fmt.Sprintf("the path %s is legal, but took %.2f story-seconds for %d awaits of %g: the machine could not keep this pace", path, m.TotalStory, m.State1Visits, state1Sleep)
		res.Hint = "a lower --speed, or a less busy machine"
	case !m.ReachedEnd:
		res.Verdict = fmt.Sprintf("no End within %d transitions (%s)", o.MaxTransitions, path)
		res.Hint = "a higher --max-transitions, or another --seed"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("the seed's path %s, %d transitions, each state awaiting the next; %d visit(s) to State 1 took %.2f story-seconds",
			path, len(m.Path)-1, m.State1Visits, m.TotalStory)
	}
	return res
}
