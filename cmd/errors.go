package cmd

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes. A scenario that ran exits 0 whether or not its lesson showed
// up this time: the verdict says that, not the exit code. A failed write to
// stdout (a full disk, a closed pipe) is a runtime error. A run stopped by
// a signal exits as shells report a death by that signal, 128 + its
// number, but only after cleaning up.
const (
	ExitOK          = 0
	ExitRuntime     = 1
	ExitUsage       = 2
	ExitHangup      = 129 // SIGHUP: the terminal went away
	ExitInterrupted = 130 // SIGINT: Ctrl-C
	ExitTerminated  = 143 // SIGTERM
)

// usageError is bad input: an unknown command, flag or value. It maps to
// exit code 2 and prints as one line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// renderedError has already been written to stdout by a JSON renderer, so
// Main must not write the JSON error line a second time.
type renderedError struct{ error }

func (e renderedError) Unwrap() error { return e.error }

// flagError turns pflag's wording into one short line.
func flagError(err error) error { return flagErrorIn(nil, err) }

// flagErrorIn is flagError for command c: an unknown flag gets a "did you
// mean" from the flags c has (`--trails` → `--trials`).
func flagErrorIn(c *cobra.Command, err error) error {
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) {
		return usagef("--%s %q: %v", inv.GetFlag().Name, inv.GetValue(), errors.Unwrap(inv))
	}
	msg := strings.TrimSpace(err.Error())
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok && c != nil {
		var cands []string
		add := func(f *pflag.Flag) {
			if !f.Hidden {
				cands = append(cands, f.Name)
			}
		}
		c.Flags().VisitAll(add)
		c.InheritedFlags().VisitAll(add)
		name, _, _ = strings.Cut(name, "=")
		if s := suggest(name, cands); s != "" {
			return usagef("unknown flag --%s (did you mean --%s?)", name, s)
		}
	}
	return &usageError{msg}
}

// suggest returns the candidate closest to typed, or "" if none is close.
func suggest(typed string, candidates []string) string {
	best, bestD := "", 1<<30
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		d := distance(strings.ToLower(typed), strings.ToLower(c))
		if strings.HasPrefix(c, typed) && typed != "" {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(typed)/3) {
		return best
	}
	return ""
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func unknown(what, typed string, candidates []string) error {
	if s := suggest(typed, candidates); s != "" {
		return usagef("unknown %s %q (did you mean %q?)", what, typed, s)
	}
	return usagef("unknown %s %q (see 'pardemo list')", what, typed)
}
