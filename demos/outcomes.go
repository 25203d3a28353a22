package demos

import (
	"fmt"
	"strings"
)

// Class is how an outcome of a scenario is judged, in the manner of
// jcstress: an outcome that may happen and is not the lesson (acceptable),
// one that is the lesson showing (interesting), and one that must never
// happen (forbidden: a bug in pardemo or in the primitive it teaches).
type Class string

// The three classes. An observed result that matches no declared outcome
// is Unexpected, which `pardemo verify` treats like Forbidden.
const (
	Acceptable  Class = "acceptable"
	Interesting Class = "interesting"
	Forbidden   Class = "forbidden"
	Unexpected  Class = "unexpected"
)

// Outcome is one declared outcome of a scenario: a name short enough for
// a table ("lost > 0"), its class, a one-line description, and the test
// that recognises it from the options and the typed metrics of one run.
// A scenario lists its outcomes in Scenario.Outcomes; the first whose When
// returns true classifies a run. Outcomes that only make sense for some
// options (with a lock, without one) say so in When.
type Outcome[O, M any] struct {
	Name  string
	Class Class
	Desc  string
	When  func(o *O, m M) bool
}

// OutcomeInfo is an outcome as the command line sees it: no types.
type OutcomeInfo struct {
	Name  string `json:"outcome"`
	Class Class  `json:"class"`
	Desc  string `json:"description"`
}

// unexpected describes a run that matched no declared outcome.
func unexpected(m any) OutcomeInfo {
	s := fmt.Sprintf("%+v", m)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return OutcomeInfo{Name: "unexpected", Class: Unexpected, Desc: "matched no declared outcome: " + s}
}

// outcomeInfos lists the declared outcomes without their tests.
func outcomeInfos[O, M any](outs []Outcome[O, M]) []OutcomeInfo {
	var infos []OutcomeInfo
	for _, o := range outs {
		infos = append(infos, OutcomeInfo{Name: o.Name, Class: o.Class, Desc: o.Desc})
	}
	return infos
}

// validOutcomes reports a malformed declaration (used by a test over the
// registry): names unique and non-empty, classes known, a test each.
func validOutcomes[O, M any](outs []Outcome[O, M]) error {
	seen := map[string]bool{}
	for _, o := range outs {
		switch {
		case strings.TrimSpace(o.Name) == "":
			return fmt.Errorf("an outcome has no name")
		case seen[o.Name]:
			return fmt.Errorf("outcome %q declared twice", o.Name)
		case o.Class != Acceptable && o.Class != Interesting && o.Class != Forbidden:
			return fmt.Errorf("outcome %q has class %q", o.Name, o.Class)
		case o.When == nil:
			return fmt.Errorf("outcome %q has no When", o.Name)
		case o.Desc == "":
			return fmt.Errorf("outcome %q has no description", o.Name)
		}
		seen[o.Name] = true
	}
	return nil
}
