package procprintlock

import (
	"strings"
	"testing"
)

func TestTally(t *testing.T) {
	o := &Options{Children: 2, Pieces: 2, Piece: 2}
	var m Metrics
	m.BytesExpected = 10
	tally(&m, []byte("AABBAA\nBB\n"), o)
	if m.Lines != 2 || m.MangledLines != 2 || m.WholeLines != 0 || !m.NothingLost {
		t.Errorf("mangled: %+v", m)
	}
	m = Metrics{BytesExpected: 10}
	tally(&m, []byte("AAAA\nBBBB\n"), o)
	if m.Lines != 2 || m.WholeLines != 2 || !m.NothingLost {
		t.Errorf("whole: %+v", m)
	}
	m = Metrics{BytesExpected: 10}
	tally(&m, []byte("AAAA\nBBB\n"), o)
	if m.NothingLost {
		t.Errorf("a lost byte went unnoticed: %+v", m)
	}
}

// Every branch of the verdict, including the ones a healthy run never takes.
func TestConcludeBranches(t *testing.T) {
	for _, tc := range []struct {
		name     string
		m        Metrics
		observed bool
		verdict  string
		hint     bool
	}{
		{"mangled", Metrics{Children: 10, Lines: 10, MangledLines: 7, NothingLost: true, Overlapped: true}, true, "7 of 10 lines mangled", false},
		{"lost", Metrics{Lines: 9, NothingLost: false}, false, "please report", false},
		{"lock mangled", Metrics{Lock: true, Lines: 10, MangledLines: 1, NothingLost: true}, false, "did not serialise", false},
		{"lock overlap", Metrics{Lock: true, Lines: 10, WholeLines: 10, NothingLost: true, Overlapped: true}, false, "same time", false},
		{"lock whole", Metrics{Lock: true, Lines: 10, WholeLines: 10, NothingLost: true}, true, "all 10 lines are whole", false},
		{"no overlap", Metrics{Lines: 10, WholeLines: 10, NothingLost: true}, false, "did not write at the same time", true},
		{"luck", Metrics{Lines: 10, WholeLines: 10, NothingLost: true, Overlapped: true}, false, "happened to", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := conclude(tc.m)
			if res.Observed != tc.observed || !strings.Contains(res.Verdict, tc.verdict) || (res.Hint != "") != tc.hint {
				t.Errorf("got %+v", res)
			}
		})
	}
}
