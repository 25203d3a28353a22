package demos

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pardemo/pardemo/internal/ev"
)

// ParamKind is the type of a knob.
type ParamKind int

// Knob types.
const (
	IntKind ParamKind = iota
	BoolKind
	ChoiceKind
	Int64ListKind // `--numbers 7,91,1009`, read with Values.Int64s (params_list.go)
	PathKind      // `--db ./tickets.json`, read with Values.String; "" = not given (params_path.go)
)

// Param describes one knob of a scenario as data, so that one builder can
// make the flag, validate it, document it and list it.
type Param struct {
	Name     string
	Usage    string
	Kind     ParamKind
	Default  string   // textual default, parsed like user input
	Min, Max int64    // inclusive bounds of an IntKind knob
	Choices  []string // allowed values of a ChoiceKind knob
}

// Int declares a whole-number knob bounded to [lo, hi] so a typo cannot
// start a million workers.
func Int(name, usage string, def, lo, hi int64) Param {
	return Param{Name: name, Usage: usage, Kind: IntKind, Default: strconv.FormatInt(def, 10), Min: lo, Max: hi}
}

// Bool declares an on/off knob (--lock).
func Bool(name, usage string) Param {
	return Param{Name: name, Usage: usage, Kind: BoolKind, Default: "false"}
}

// Choice declares a knob that takes one of a few words.
func Choice(name, usage, def string, choices ...string) Param {
	return Param{Name: name, Usage: usage, Kind: ChoiceKind, Default: def, Choices: choices}
}

// Describe is the flag's help text including its bounds or choices.
func (p Param) Describe() string {
	switch p.Kind {
	case IntKind:
		return fmt.Sprintf("%s (%s–%s)", p.Usage, ev.Int(p.Min), ev.Int(p.Max))
	case ChoiceKind:
		return fmt.Sprintf("%s (%s)", p.Usage, strings.Join(p.Choices, "|"))
	case Int64ListKind:
		return p.describeList()
	}
	return p.Usage
}

// Parse checks one textual value and returns it typed (int, bool or string).
func (p Param) Parse(s string) (any, error) {
	switch p.Kind {
	case IntKind:
		// 1,000,000 and 1_000_000 are accepted: help texts print numbers with commas.
		clean := strings.NewReplacer(",", "", "_", "").Replace(strings.TrimSpace(s))
		n, err := strconv.ParseInt(clean, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want a whole number from %s to %s", ev.Int(p.Min), ev.Int(p.Max))
		}
		if n < p.Min || n > p.Max {
			return nil, fmt.Errorf("must be from %s to %s", ev.Int(p.Min), ev.Int(p.Max))
		}
		return int(n), nil
	case BoolKind:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, errors.New("want true or false")
		}
		return b, nil
	case ChoiceKind:
		if !slices.Contains(p.Choices, s) {
			return nil, fmt.Errorf("want one of %s", strings.Join(p.Choices, ", "))
		}
		return s, nil
	case Int64ListKind:
		return p.parseList(s) // params_list.go
	case PathKind:
		return p.parsePath(s) // params_path.go
	}
	return nil, fmt.Errorf("unknown knob type %d", p.Kind)
}

// Values holds the knob values of one run. It starts at the defaults; Set
// overrides one after checking it.
type Values struct {
	params []Param
	vals   map[string]any
	set    map[string]bool
}

// NewValues returns the defaults of params. A default that does not parse
// is a programming error and panics (tests catch it).
func NewValues(params []Param) *Values {
	v := &Values{params: params, vals: map[string]any{}, set: map[string]bool{}}
	for _, p := range params {
		x, err := p.Parse(p.Default)
		if err != nil {
			panic(fmt.Sprintf("knob --%s: bad default %q: %v", p.Name, p.Default, err))
		}
		v.vals[p.Name] = x
	}
	return v
}

// Set parses s as the value of knob name.
func (v *Values) Set(name, s string) error {
	for _, p := range v.params {
		if p.Name == name {
			x, err := p.Parse(s)
			if err != nil {
				return err
			}
			v.vals[name], v.set[name] = x, true
			return nil
		}
	}
	return fmt.Errorf("unknown knob --%s", name)
}

// Changed reports whether the user gave knob name.
func (v *Values) Changed(name string) bool { return v.set[name] }

// Int returns an IntKind knob.
func (v *Values) Int(name string) int { return get[int](v, name) }

// Bool returns a BoolKind knob.
func (v *Values) Bool(name string) bool { return get[bool](v, name) }

// String returns a ChoiceKind knob.
func (v *Values) String(name string) string { return get[string](v, name) }

// Text returns a knob's value as text, whatever its kind.
func (v *Values) Text(name string) string { return fmt.Sprint(v.vals[name]) }

// Params lists the knobs in declaration order.
func (v *Values) Params() []Param { return v.params }

func get[T any](v *Values, name string) T {
	x, ok := v.vals[name].(T)
	if !ok {
		panic(fmt.Sprintf("no knob --%s of type %T", name, *new(T)))
	}
	return x
}
