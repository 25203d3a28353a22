// Package demos defines what a scenario is and runs one: a Demo is a value
// (its name, lesson, knobs and Run function), an Env is everything a running
// scenario may use (clock, randomness, the event path), and Execute runs a
// Demo under a watchdog. Scenarios live in sub-packages, one per folder; this
// package imports none of them.
package demos

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pardemo/pardemo/internal/ev"
)

// Demo is one scenario of the catalogue.
type Demo struct {
	Name    string // command path: "race", or "pool primes" for a grouped one
	ID      string // catalogue id from SCENARIOS.md: "S1"
	Chapter int    // curriculum chapter (see ChapterTitle)
	Title   string // the lesson in one line
	Python  string // the cookbook's primitive: "threading.Lock"
	Go      string // what Go offers instead: "sync.Mutex"
	Params  []Param
	// Metrics names the keys every Result.Metrics of this scenario carries:
	// the outcomes it declares, checked by tests and documented in docs/json.md.
	Metrics []string
	// Check validates knobs that are only wrong together (optional); its
	// error is a usage error.
	Check func(v *Values) error
	// Explain is the scenario's lesson page: the concept, what to notice,
	// Python ↔ Go, things to try.
	Explain string
	// Source holds the scenario's Go files, embedded, for `pardemo source`.
	Source fs.FS
	// Run performs the scenario for real and concludes from what it saw.
	Run func(ctx context.Context, env *Env) (ev.Result, error)
	// Children are the roles the scenario's child processes play, keyed by
	// a name unique to the binary ("tickets/buyer"); Env.Spawn starts one.
	// The binary (and a test binary, in TestMain) serves them: see Roles.
	Children map[string]ChildRole
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

// ChapterTitle names a curriculum chapter.
func ChapterTitle(n int) string {
	switch n {
	case 1:
		return "Threads (goroutines)"
	case 2:
		return "Synchronisation"
	case 3:
		return "Queues"
	case 4:
		return "Processes"
	case 5:
		return "Inter-process communication"
	case 6:
		return "Pools and futures"
	case 7:
		return "Event loop and async"
	case 8:
		return "Coroutines"
	}
	return "Other"
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
