package demos

import (
	"context"
	"fmt"
	"go/token"
	"reflect"
	"strings"

	"github.com/pardemo/pardemo/internal/ev"
)

// Module is the import path every package of the project starts with.
const Module = "github.com/pardemo/pardemo"

// Scenario is how a scenario is written. O is its options type: a struct
// of its own package whose fields the knobs bind to (Knobs declares them),
// so Run reads o.Workers, never a knob looked up by name. M is its metrics
// type: a struct with JSON tags and a one-line doc comment per field, which
// Run returns in Result.Metrics and from which docs/json.md is generated.
//
// Because O is declared in the scenario's own package, the scenario knows
// its folder (Demo.Dir) without anybody writing it down.
type Scenario[O, M any] struct {
	Name   string // command path: "race", or "pool primes" for a grouped one
	ID     string // catalogue id from SCENARIOS.md: "S1"
	Title  string // the lesson in one line
	Python string // the cookbook's primitive: "threading.Lock"
	Go     string // what Go offers instead: "sync.Mutex"
	// Explain is the lesson page: the concept, what to notice, Python ↔
	// Go, things to try (the scenario's lesson.md, embedded).
	Explain string
	// Lesson names, in reading order, the files a student should read
	// first: paths from the repository root, which may lie outside the
	// scenario's folder ("internal/race/counters.go"). `pardemo source`
	// prints them first; the scenario's other files follow with --all.
	// Empty means every file of the scenario's folder is the lesson.
	Lesson []string
	// Knobs binds the scenario's flags to the fields of a fresh o.
	Knobs func(k *Knobs, o *O)
	// Check validates knobs that are only wrong together (optional); its
	// error is a usage error. k tells which knobs the user gave.
	Check func(o *O, k *Knobs) error
	// Run performs the scenario for real and concludes from what it saw.
	// Its Result.Metrics must be an M.
	Run func(ctx context.Context, env *Env, o *O) (ev.Result, error)
	// Children are the roles the scenario's child processes play, keyed by
	// a name unique to the binary ("tickets/buyer"); Env.Spawn starts one.
	Children map[string]ChildRole
	// Speed is the scenario's default --speed (0: the global default, 10),
	// for a story too short (or too long) to follow at 10×: the pacing rule
	// is 1–6 s of real time at the default. --speed given wins.
	Speed float64
	// MaxSpeed is the highest --speed at which the verdict can still judge
	// the scenario's timing on a loaded machine (0: no limit): above it a
	// timer's real-time lag is a large part of a story-second. `pardemo
	// verify` and --trials run it at no more than this, and say so.
	MaxSpeed float64
	// Outcomes are the results a run can end with, each classed acceptable,
	// interesting (the lesson showing) or forbidden, as jcstress declares
	// them. `pardemo verify` and `--trials` count runs per outcome. Every
	// scenario declares them; see demos/outcomes.go.
	Outcomes []Outcome[O, M]
	// Quiz is one or two predict-then-reveal questions (`--quiz`), each
	// answered from the run's metrics; see demos/quiz.go.
	Quiz []Question[O, M]
	// Sweep, when set, lets the pool-size knob take a list (`--workers
	// 1,2,4,8`) and compare the times; see demos/sweep.go.
	Sweep *Sweep[O, M]
}

// Demo turns the typed definition into the value the registry and the
// command line work with.
func (s Scenario[O, M]) Demo() Demo {
	ot, mt := reflect.TypeFor[O](), reflect.TypeFor[M]()
	return Demo{
		Name: s.Name, ID: s.ID, Title: s.Title, Python: s.Python, Go: s.Go,
		Explain: s.Explain, Lesson: s.Lesson, Children: s.Children, Speed: s.Speed, MaxSpeed: s.MaxSpeed,
		Dir: dirOf(ot), Options: ot, Metrics: mt,
		Outcomes:      outcomeInfos(s.Outcomes),
		checkOutcomes: func() error { return validOutcomes(s.Outcomes) },
		Questions:     len(s.Quiz),
		checkQuiz:     func(opts any) error { return validQuiz(s.Quiz, opts.(*O)) },
		SweepKnob:     sweepKnob(s.Sweep),
		checkSweep: func() error {
			k := &Knobs{set: map[string]bool{}}
			if s.Knobs != nil {
				s.Knobs(k, new(O))
			}
			return validSweep(s.Sweep, k)
		},
		bind: func() *Bound {
			o := new(O)
			b := &Bound{Knobs: Knobs{set: map[string]bool{}}}
			if s.Knobs != nil {
				s.Knobs(&b.Knobs, o)
			}
			b.check = func() error {
				if s.Check == nil {
					return nil
				}
				return s.Check(o, &b.Knobs)
			}
			b.run = func(ctx context.Context, env *Env) (ev.Result, error) {
				res, err := s.Run(ctx, env, o)
				if err == nil {
					if _, ok := res.Metrics.(M); !ok {
						err = fmt.Errorf("%s concluded with metrics of type %T, but declares %v", s.Name, res.Metrics, mt)
					}
				}
				return res, err
			}
			b.classify = func(res ev.Result) OutcomeInfo {
				m, ok := res.Metrics.(M)
				if !ok {
					return unexpected(res.Metrics)
				}
				for _, out := range s.Outcomes {
					if out.When(o, m) {
						return OutcomeInfo{Name: out.Name, Class: out.Class, Desc: out.Desc}
					}
				}
				return unexpected(m)
			}
			b.ask = func() []Asked { return askAll(s.Quiz, o) }
			b.reveal = func(res ev.Result) []Revealed {
				m, ok := res.Metrics.(M)
				if !ok {
					return nil
				}
				return revealAll(s.Quiz, o, m)
			}
			b.opts = o
			b.sweep = s.Sweep.bind(o)
			return b
		},
	}
}

// Demo is one scenario of the catalogue, as the registry holds it. Build
// one with Scenario.Demo.
type Demo struct {
	Name, ID, Title, Python, Go string
	// Chapter and ChapterTitle are set by the registry, which groups the
	// scenarios by chapter.
	Chapter      int
	ChapterTitle string
	Explain      string
	Lesson       []string
	Children     map[string]ChildRole
	Speed        float64 // the default --speed; 0: the global default
	MaxSpeed     float64 // the highest --speed its verdict can judge timing at; 0: no limit
	// Dir is the scenario's folder from the repository root ("demos/race"),
	// taken from the package its options type is declared in.
	Dir string
	// Options and Metrics are the scenario's options and metrics types.
	Options, Metrics reflect.Type
	// Outcomes are the scenario's declared outcomes, in declaration order.
	Outcomes []OutcomeInfo

	// Questions is how many quiz questions the scenario declares.
	Questions int
	// SweepKnob is the knob that takes a list of counts (`--workers
	// 1,2,4,8`), "" when the scenario declares no sweep.
	SweepKnob string

	bind          func() *Bound
	checkOutcomes func() error
	checkQuiz     func(opts any) error // opts: a *O at the knobs' defaults
	checkSweep    func() error
}

// CheckSweep reports a malformed sweep declaration.
func (d Demo) CheckSweep() error {
	if d.checkSweep == nil {
		return nil
	}
	return d.checkSweep()
}

// CheckQuiz reports a malformed quiz declaration.
func (d Demo) CheckQuiz() error {
	if d.checkQuiz == nil {
		return nil
	}
	return d.checkQuiz(d.Bind().opts)
}

// CheckOutcomes reports a malformed outcome declaration.
func (d Demo) CheckOutcomes() error {
	if d.checkOutcomes == nil {
		return nil
	}
	return d.checkOutcomes()
}

// Bind returns fresh knobs for one run, at their defaults.
func (d Demo) Bind() *Bound {
	if d.bind == nil {
		panic("demos: Demo " + d.Name + " was not built with Scenario.Demo")
	}
	return d.bind()
}

// Params lists the scenario's knobs at their defaults (for help and docs).
func (d Demo) Params() []Param { return d.Bind().Params() }

// Bound is one run's knobs, bound to a fresh options value.
type Bound struct {
	Knobs
	opts     any
	check    func() error
	run      func(ctx context.Context, env *Env) (ev.Result, error)
	classify func(ev.Result) OutcomeInfo
	ask      func() []Asked
	reveal   func(ev.Result) []Revealed
	sweep    *BoundSweep
}

// Ask words the scenario's quiz questions for these knobs (none: nil).
func (b *Bound) Ask() []Asked { return b.ask() }

// Reveal answers the quiz questions from res, a result of a run with
// these knobs: one Revealed per question, in order (nil if res carries
// no metrics of the scenario's type).
func (b *Bound) Reveal(res ev.Result) []Revealed { return b.reveal(res) }

// Classify names the declared outcome that res (a result of a run with
// these knobs) matches, or an Unexpected one.
func (b *Bound) Classify(res ev.Result) OutcomeInfo { return b.classify(res) }

// Check runs the scenario's cross-knob check.
func (b *Bound) Check() error { return b.check() }

// Options is the bound options value (a *O), for tests.
func (b *Bound) Options() any { return b.opts }

// Chapter is one chapter of the curriculum: its number, title and
// scenarios in teaching order.
type Chapter struct {
	N     int
	Title string
	Demos []Demo
}

// Flatten lists the chapters' scenarios in curriculum order, each knowing
// its chapter.
func Flatten(chapters []Chapter) []Demo {
	var out []Demo
	for _, c := range chapters {
		for _, d := range c.Demos {
			d.Chapter, d.ChapterTitle = c.N, c.Title
			out = append(out, d)
		}
	}
	return out
}

// FolderFor is the naming rule for scenario folders: the command's words
// joined, hyphens dropped ("pool primes" → "demos/poolprimes",
// "traffic-light" → "demos/trafficlight"); a name that is a Go keyword
// gets "demo" appended ("defer" → "demos/deferdemo"). The package is named
// after its folder.
func FolderFor(name string) string {
	pkg := strings.ReplaceAll(strings.Join(strings.Fields(name), ""), "-", "")
	if token.IsKeyword(pkg) {
		pkg += "demo"
	}
	return "demos/" + pkg
}

func dirOf(t reflect.Type) string {
	return strings.TrimPrefix(t.PkgPath(), Module+"/")
}

// Roles gathers the child roles of ds, for proc.Serve. Two scenarios may
// not claim the same role name.
func Roles(ds ...Demo) (map[string]ChildRole, error) {
	out := map[string]ChildRole{}
	for _, d := range ds {
		for name, r := range d.Children {
			if _, dup := out[name]; dup {
				return nil, fmt.Errorf("child role %q is claimed twice (second time by %s)", name, d.Name)
			}
			out[name] = r
		}
	}
	return out, nil
}

// Examples lifts the `pardemo ...` commands out of the bullet lists of the
// lesson page, so --help and the docs show the same things to try as
// explain does.
func (d Demo) Examples() []string {
	var out []string
	for line := range strings.Lines(d.Explain) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "- `pardemo ")
		if !ok {
			continue
		}
		if cmd, _, ok := strings.Cut(rest, "`"); ok {
			out = append(out, "pardemo "+cmd)
		}
	}
	return out
}
