package procexec

import (
	"strings"
	"testing"
)

// The verdict comes from the captured lines, and fails when they do not
// prove a clean exec.
func TestConcludeFromLines(t *testing.T) {
	l := func(texts ...string) []Line {
		var out []Line
		for _, s := range texts {
			out = append(out, Line{Pid: 7, Text: s})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		m        Metrics
		observed bool
		verdict  string
	}{
		{"clean", Metrics{Pid: 7, PidCheckable: true, ExitStatus: "exit status 0", Lines: l(before, newLine+" 7")}, true, "never printed"},
		{"echo", Metrics{Pid: 7, ExitStatus: "exit status 0", Lines: l(before, "Hello from /bin/echo")}, true, "the one the parent reaped"},
		{"after printed", Metrics{Pid: 7, PidCheckable: true, ExitStatus: "exit status 0", Lines: l(before, newLine+" 7", after)}, false, "did not replace"},
		{"exec failed", Metrics{Pid: 7, ExecError: "no such file", Lines: l(before, after)}, false, "failed"},
		{"other pid", Metrics{Pid: 7, PidCheckable: true, ExitStatus: "exit status 0", Lines: l(before, newLine+" 8")}, false, "not in the child's process"},
		{"wrong order", Metrics{Pid: 7, PidCheckable: true, ExitStatus: "exit status 0", Lines: l(newLine+" 7", before)}, false, "not the line before"},
		{"nothing new", Metrics{Pid: 7, ExitStatus: "exit status 0", Lines: l(before)}, false, "not the line before"},
		{"bad exit", Metrics{Pid: 7, PidCheckable: true, ExitStatus: "exit status 1", Lines: l(before, newLine+" 7")}, false, "did not end cleanly"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := conclude(tc.m)
			if res.Observed != tc.observed || !strings.Contains(res.Verdict, tc.verdict) {
				t.Errorf("observed %v, verdict %q; want %v, %q", res.Observed, res.Verdict, tc.observed, tc.verdict)
			}
		})
	}
}
