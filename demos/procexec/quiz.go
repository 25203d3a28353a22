package procexec

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal of `pardemo proc exec --quiz`: which
// lines come out, read from the child's captured standard output, and
// which process the new program runs in, read from the pid it printed.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("A child prints %q, execs %s, then prints %q. Which lines appear?", before, o.Program, after)
	},
	Choices: []string{
		"all three: the old line, the new program's, " + fmt.Sprintf("%q", after),
		fmt.Sprintf("the old line and the new program's; never %q", after),
		"only the new program's line",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%d lines captured: the old line %v, the new program's %v, %q %v",
			len(m.Lines), yes(m.BeforePrinted), yes(m.NewPrinted), after, yes(m.AfterPrinted))
		switch {
		case m.BeforePrinted && m.NewPrinted && m.AfterPrinted:
			return 0, measured
		case m.BeforePrinted && m.NewPrinted:
			return 1, measured
		case m.NewPrinted && !m.AfterPrinted:
			return 2, measured
		}
		return -1, measured + " (the exec failed: try --program pardemo)"
	},
	Why: "a successful exec never returns: the new program replaces the old one's code, so nothing after the call runs",
}, {
	AskFor: func(o *Options) string {
		if o.Program == "echo" {
			return "Which pid does the new program run as? (echo cannot say: --program pardemo prints it)"
		}
		return "The new program prints its own pid. Which is it?"
	},
	Choices: []string{
		"the child's pid: exec keeps the process",
		"a new pid, as a started child gets",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		switch {
		case !m.PidCheckable || m.NewProgramPid == 0:
			return -1, fmt.Sprintf("%s prints no pid: try --program pardemo", m.Program)
		case m.SamePid:
			return 0, fmt.Sprintf("printed pid %d, the child's own", m.NewProgramPid)
		}
		return 1, fmt.Sprintf("printed pid %d; the child was %d", m.NewProgramPid, m.Pid)
	},
	Why: "exec replaces the program a process runs, not the process: its pid and its parent stay (Python's os.execvp is execve too)",
}}

func yes(b bool) string {
	if b {
		return "printed"
	}
	return "missing"
}
