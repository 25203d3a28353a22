package ev

import (
	"testing"
	"unicode/utf8"
)

func TestShortVerdict(t *testing.T) {
	for _, tc := range []struct{ verdict, short, want string }{
		{"IO-bound: 1.98× with 2 workers under the GIL; CPU-bound: 0.62×", "", "IO-bound: 1.98× with 2 workers under the GIL"},
		{"2 of 2,000,000 updates lost — the drift is a lower bound", "", "2 of 2,000,000 updates lost"},
		{"anything", "a short one", "a short one"},
		{"a verdict with no clause break that goes on and on and on for far too long to fit", "", "a verdict with no clause break that goes on…"},
	} {
		got := Result{Verdict: tc.verdict, Short: tc.short}.ShortVerdict()
		if got != tc.want || utf8.RuneCountInString(got) > ShortMax {
			t.Errorf("ShortVerdict(%q) = %q, want %q", tc.verdict, got, tc.want)
		}
	}
}
