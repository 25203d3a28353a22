package demos

import (
	"errors"
	"fmt"
	"math"
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
	Int64ListKind // `--numbers 7,91,1009`
	PathKind      // `--db ./tickets.json`; "" = not given
	FloatKind     // `--timeout 2.5`
)

// MaxListLen is the most numbers a list knob accepts, so a pasted file
// cannot queue a million tasks.
const MaxListLen = 1000

// maxPathLen bounds a path knob like every other knob is bounded.
const maxPathLen = 4096

// Param describes one knob as data, so that one builder can make the flag,
// validate it, document it and list it. It is bound to a field of the
// scenario's options: Set parses, checks and stores into that field.
type Param struct {
	Name       string
	Usage      string
	Kind       ParamKind
	Default    string   // the default as the user would type it
	Min, Max   int64    // inclusive bounds of an int or list knob
	FMin, FMax float64  // inclusive bounds of a float knob
	Choices    []string // allowed values of a choice knob

	set func(s string) error
	get func() string
}

// Describe is the flag's help text including its bounds or choices.
func (p Param) Describe() string {
	switch p.Kind {
	case IntKind:
		return fmt.Sprintf("%s (%s–%s)", p.Usage, ev.Int(p.Min), ev.Int(p.Max))
	case FloatKind:
		return fmt.Sprintf("%s (%s–%s)", p.Usage, FormatFloat(p.FMin), FormatFloat(p.FMax))
	case ChoiceKind:
		return fmt.Sprintf("%s (%s)", p.Usage, strings.Join(p.Choices, "|"))
	case Int64ListKind:
		return fmt.Sprintf("%s (comma-separated, up to %s numbers, each %s–%s)", p.Usage, ev.Int(MaxListLen), ev.Int(p.Min), ev.Int(p.Max))
	}
	return p.Usage
}

// Type names the knob's type as help and `list --json` show it.
func (p Param) Type() string {
	switch p.Kind {
	case BoolKind:
		return "bool"
	case ChoiceKind:
		return "string"
	case PathKind:
		return "path"
	case Int64ListKind:
		return "numbers"
	case FloatKind:
		return "float"
	}
	return "int"
}

// Knobs is the set of knobs of one run, each bound to a field of the
// scenario's options. A scenario declares them in Scenario.Knobs:
//
//	k.Int(&o.Workers, "workers", "goroutines", 2, 1, 10_000)
//
// which sets o.Workers to its default at once and to the user's value when
// the flag is given.
type Knobs struct {
	params  []Param
	aliases []Alias
	set     map[string]bool
}

func (k *Knobs) add(p Param) {
	if slices.ContainsFunc(k.params, func(q Param) bool { return q.Name == p.Name }) {
		panic("demos: knob --" + p.Name + " declared twice")
	}
	k.params = append(k.params, p)
}

// Int declares a whole-number knob bounded to [lo, hi], so a typo cannot
// start a million workers. 1,000,000 and 1_000_000 are accepted.
func (k *Knobs) Int(dst *int, name, usage string, def, lo, hi int) {
	if def < lo || def > hi {
		panic(fmt.Sprintf("demos: knob --%s: default %d outside %d–%d", name, def, lo, hi))
	}
	*dst = def
	k.add(Param{Name: name, Usage: usage, Kind: IntKind, Default: strconv.Itoa(def), Min: int64(lo), Max: int64(hi),
		get: func() string { return strconv.Itoa(*dst) },
		set: func(s string) error {
			if !thousands(strings.TrimSpace(s)) {
				return fmt.Errorf("want a whole number from %s to %s (a comma only groups thousands, as in 1,000)", ev.Int(lo), ev.Int(hi))
			}
			clean := strings.NewReplacer(",", "", "_", "").Replace(strings.TrimSpace(s))
			n, err := strconv.ParseInt(clean, 10, 64)
			if err != nil {
				return fmt.Errorf("want a whole number from %s to %s", ev.Int(lo), ev.Int(hi))
			}
			if n < int64(lo) || n > int64(hi) {
				return fmt.Errorf("must be from %s to %s", ev.Int(lo), ev.Int(hi))
			}
			*dst = int(n)
			return nil
		}})
}

// thousands reports whether the commas of s, if any, group its digits in
// threes (1,000,000): "1,2" is not twelve.
func thousands(s string) bool {
	if !strings.Contains(s, ",") {
		return true
	}
	groups := strings.Split(strings.TrimLeft(s, "+-"), ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return false
		}
	}
	return true
}

// Float declares a number knob bounded to [lo, hi]; NaN and infinities are
// refused.
func (k *Knobs) Float(dst *float64, name, usage string, def, lo, hi float64) {
	if !(def >= lo && def <= hi) {
		panic(fmt.Sprintf("demos: knob --%s: default %g outside %g–%g", name, def, lo, hi))
	}
	*dst = def
	k.add(Param{Name: name, Usage: usage, Kind: FloatKind, Default: FormatFloat(def), FMin: lo, FMax: hi,
		get: func() string { return FormatFloat(*dst) },
		set: func(s string) error {
			f, err := ParseFloat(s, lo, hi)
			if err != nil {
				return err
			}
			*dst = f
			return nil
		}})
}

// ParseFloat reads a finite number within [lo, hi]: the one float parser
// of every knob and global flag, so NaN and Inf are refused everywhere.
func ParseFloat(s string, lo, hi float64) (float64, error) {
	want := fmt.Errorf("want a number from %s to %s", FormatFloat(lo), FormatFloat(hi))
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "xX") { // decimal only, as for whole numbers: no 0x1p-2
		return 0, want
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, want
	}
	if mant, _, _ := strings.Cut(strings.ToLower(s), "e"); f == 0 && strings.ContainsAny(mant, "123456789") {
		return 0, fmt.Errorf("too small, it would be read as 0 (%v)", want) // 1e-400
	}
	if f < lo || f > hi {
		return 0, fmt.Errorf("must be from %s to %s", FormatFloat(lo), FormatFloat(hi))
	}
	return f, nil
}

// FormatFloat prints a float knob's value or bound as the user would type it.
func FormatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Bool declares an on/off knob (--lock); it defaults to false.
func (k *Knobs) Bool(dst *bool, name, usage string) {
	*dst = false
	k.add(Param{Name: name, Usage: usage, Kind: BoolKind, Default: "false",
		get: func() string { return strconv.FormatBool(*dst) },
		set: func(s string) error {
			b, err := ParseBool(s)
			if err != nil {
				return err
			}
			*dst = b
			return nil
		}})
}

// ParseBool reads an on/off value in the words a user types: true, false,
// yes, no, on, off, 1, 0 (any case). Every bool knob and global flag uses
// it, so a bad value reads "want true or false", never Go's wording.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y", "on", "1":
		return true, nil
	case "false", "f", "no", "n", "off", "0":
		return false, nil
	}
	return false, errors.New("want true or false")
}

// Choice declares a knob that takes one of a few words.
func (k *Knobs) Choice(dst *string, name, usage, def string, choices ...string) {
	if !slices.Contains(choices, def) {
		panic(fmt.Sprintf("demos: knob --%s: default %q is not a choice", name, def))
	}
	*dst = def
	k.add(Param{Name: name, Usage: usage, Kind: ChoiceKind, Default: def, Choices: choices,
		get: func() string { return *dst },
		set: func(s string) error {
			if !slices.Contains(choices, s) {
				return fmt.Errorf("want one of %s", strings.Join(choices, ", "))
			}
			*dst = s
			return nil
		}})
}

// Int64s declares a list knob whose every element lies in [lo, hi]. A
// list needs at least one number and takes at most MaxListLen. Commas
// separate numbers here, so unlike an int knob no thousands separators are
// allowed; an underscore (1_000_003) still is.
func (k *Knobs) Int64s(dst *[]int64, name, usage string, def []int64, lo, hi int64) {
	*dst = slices.Clone(def)
	k.add(Param{Name: name, Usage: usage, Kind: Int64ListKind, Default: joinInts(def), Min: lo, Max: hi,
		get: func() string { return joinInts(*dst) },
		set: func(s string) error {
			l, err := parseList(s, lo, hi)
			if err != nil {
				return err
			}
			*dst = l
			return nil
		}})
}

func joinInts(l []int64) string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, ",")
}

func parseList(s string, lo, hi int64) ([]int64, error) {
	want := fmt.Sprintf("want whole numbers from %s to %s separated by commas", ev.Int(lo), ev.Int(hi))
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no numbers: %s", want)
	}
	fields := strings.Split(s, ",")
	if len(fields) > MaxListLen {
		return nil, fmt.Errorf("%s numbers; at most %s are allowed", ev.Int(len(fields)), ev.Int(MaxListLen))
	}
	out := make([]int64, 0, len(fields))
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("number %d is empty: %s", i+1, want)
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(f, "_", ""), 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("%s is out of range: %s", f, want)
		}
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number: %s", f, want)
		}
		if n < lo || n > hi {
			return nil, fmt.Errorf("%s is out of range: %s", f, want)
		}
		out = append(out, n)
	}
	return out, nil
}

// Path declares a file-path knob whose default is "" (not given). Any
// path the system could name is accepted; whether the file can be created
// there is for the scenario's Check or Run to find out and report.
func (k *Knobs) Path(dst *string, name, usage string) {
	*dst = ""
	k.add(Param{Name: name, Usage: usage, Kind: PathKind,
		get: func() string { return *dst },
		set: func(s string) error {
			if strings.ContainsRune(s, 0) {
				return errors.New("a file path cannot contain a NUL byte")
			}
			if len(s) > maxPathLen {
				return fmt.Errorf("a path of %d bytes is too long (at most %d)", len(s), maxPathLen)
			}
			*dst = s
			return nil
		}})
}

// Alias is a deprecated spelling of a knob (issue 13's vocabulary: one
// name for one idea across every scenario). It keeps working for one
// release: it sets the knob it was renamed to, the command line prints
// Note on stderr, and help, docs and completion leave it out.
type Alias struct {
	Old, New string
	// Bool: the old spelling was an on/off flag (barrier --processes), so
	// written alone it means "true".
	Bool   bool
	values map[string]string // old value → new value; nil: unchanged
}

// Alias declares old as a deprecated spelling of knob to, with the same
// values (download --form processes → --run-as processes).
func (k *Knobs) Alias(old, to string) { k.alias(Alias{Old: old, New: to}) }

// AliasMap declares old as a deprecated spelling of knob to whose values
// are renamed too; a value not in values passes through unchanged.
func (k *Knobs) AliasMap(old, to string, values map[string]string) {
	k.alias(Alias{Old: old, New: to, values: values})
}

// AliasBool declares an old on/off flag as a deprecated spelling of a
// choice: --old (or --old=true) is --to ifTrue, --old=false is --to
// ifFalse (barrier --processes → --run-as processes|goroutines).
func (k *Knobs) AliasBool(old, to, ifTrue, ifFalse string) {
	k.alias(Alias{Old: old, New: to, Bool: true, values: map[string]string{"true": ifTrue, "false": ifFalse}})
}

func (k *Knobs) alias(a Alias) {
	if !slices.ContainsFunc(k.params, func(q Param) bool { return q.Name == a.New }) {
		panic("demos: alias --" + a.Old + " of undeclared knob --" + a.New)
	}
	if slices.ContainsFunc(k.params, func(q Param) bool { return q.Name == a.Old }) ||
		slices.ContainsFunc(k.aliases, func(q Alias) bool { return q.Old == a.Old }) {
		panic("demos: alias --" + a.Old + " declared twice")
	}
	k.aliases = append(k.aliases, a)
}

// Aliases lists the deprecated spellings, in declaration order.
func (k *Knobs) Aliases() []Alias { return slices.Clone(k.aliases) }

// Translate is the new knob's value for the old spelling's value s.
func (a Alias) Translate(s string) (string, error) {
	if a.Bool {
		b, err := ParseBool(s)
		if err != nil {
			return "", err
		}
		s = strconv.FormatBool(b)
	}
	if v, ok := a.values[s]; ok {
		return v, nil
	}
	return s, nil
}

// Note is the one-line deprecation note for the old spelling given the
// value s, naming the spelling to use instead.
func (a Alias) Note(s string) string {
	use := "--" + a.New
	if v, err := a.Translate(s); err == nil {
		use += " " + v
	}
	old := "--" + a.Old
	if !a.Bool {
		old += " " + s
	}
	return fmt.Sprintf("%s is deprecated and goes away in the next release: use %s", old, use)
}

// SetAlias sets the knob that old was renamed to, from the old spelling's
// value s, and returns the deprecation note to print.
func (k *Knobs) SetAlias(old, s string) (note string, err error) {
	for _, a := range k.aliases {
		if a.Old == old {
			v, err := a.Translate(s)
			if err != nil {
				return "", err
			}
			if err := k.Set(a.New, v); err != nil {
				return "", err
			}
			return a.Note(s), nil
		}
	}
	return "", fmt.Errorf("unknown knob --%s", old)
}

// Set parses s as the value of knob name and stores it in its field. A
// deprecated spelling (see Alias) is accepted too, silently: the command
// line prints its note.
func (k *Knobs) Set(name, s string) error {
	if !slices.ContainsFunc(k.params, func(q Param) bool { return q.Name == name }) {
		if slices.ContainsFunc(k.aliases, func(a Alias) bool { return a.Old == name }) {
			_, err := k.SetAlias(name, s)
			return err
		}
	}
	for _, p := range k.params {
		if p.Name == name {
			if err := p.set(s); err != nil {
				return err
			}
			k.set[name] = true
			return nil
		}
	}
	return fmt.Errorf("unknown knob --%s", name)
}

// Changed reports whether the user gave knob name.
func (k *Knobs) Changed(name string) bool { return k.set[name] }

// Text returns a knob's current value as the user would type it.
func (k *Knobs) Text(name string) string {
	for _, p := range k.params {
		if p.Name == name {
			return p.get()
		}
	}
	return ""
}

// Params lists the knobs in declaration order.
func (k *Knobs) Params() []Param { return slices.Clone(k.params) }

// Values is every knob's value, typed as JSON should carry it: int64 for
// a whole number, float64, bool, []int64 for a list, else the string.
func (k *Knobs) Values() map[string]any {
	out := make(map[string]any, len(k.params))
	for _, p := range k.params {
		s := p.get()
		var v any = s
		switch p.Kind {
		case IntKind:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				v = n
			}
		case FloatKind:
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				v = f
			}
		case BoolKind:
			v = s == "true"
		case Int64ListKind:
			if l, err := parseList(s, math.MinInt64, math.MaxInt64); err == nil {
				v = l
			}
		}
		out[p.Name] = v
	}
	return out
}

// Given lists the knobs the user gave, with their values, in declaration
// order.
func (k *Knobs) Given() []ev.Param {
	var out []ev.Param
	for _, p := range k.params {
		if k.set[p.Name] {
			out = append(out, ev.Param{Name: p.Name, Value: p.get()})
		}
	}
	return out
}
