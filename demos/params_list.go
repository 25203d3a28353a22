package demos

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pardemo/pardemo/internal/ev"
)

// MaxListLen is the most numbers an Int64ListKind knob accepts, so a pasted
// file cannot queue a million tasks.
const MaxListLen = 1000

// Int64List declares a list knob whose every element lies in [lo, hi]. A
// list needs at least one number and takes at most MaxListLen.
func Int64List(name, usage string, def []int64, lo, hi int64) Param {
	return Param{Name: name, Usage: usage, Kind: Int64ListKind, Default: Int64ListValue(def).String(), Min: lo, Max: hi}
}

// Int64ListValue is the typed value of an Int64ListKind knob. It prints as
// it is typed (1,2,3), so a run's replay line can be pasted back.
type Int64ListValue []int64

func (l Int64ListValue) String() string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, ",")
}

func (p Param) describeList() string {
	return fmt.Sprintf("%s (comma-separated, up to %s numbers, each %s–%s)", p.Usage, ev.Int(MaxListLen), ev.Int(p.Min), ev.Int(p.Max))
}

// parseList checks a comma-separated list. Commas separate numbers here,
// so unlike an IntKind knob no thousands separators are allowed; an
// underscore (1_000_003) still is.
func (p Param) parseList(s string) (Int64ListValue, error) {
	want := fmt.Sprintf("want whole numbers from %s to %s separated by commas", ev.Int(p.Min), ev.Int(p.Max))
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no numbers: %s", want)
	}
	fields := strings.Split(s, ",")
	if len(fields) > MaxListLen {
		return nil, fmt.Errorf("%s numbers; at most %s are allowed", ev.Int(len(fields)), ev.Int(MaxListLen))
	}
	out := make(Int64ListValue, 0, len(fields))
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
		if n < p.Min || n > p.Max {
			return nil, fmt.Errorf("%s is out of range: %s", f, want)
		}
		out = append(out, n)
	}
	return out, nil
}

// Int64s returns an Int64ListKind knob (a copy: the caller may change it).
func (v *Values) Int64s(name string) []int64 {
	return append([]int64(nil), get[Int64ListValue](v, name)...)
}
