package poolprimes

import (
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos/internal/modes"
)

// The speed-up part of the verdict, from injected times on 2 CPUs: the
// 3.32× once printed with ✔ on this machine is a measurement problem now;
// a good speed-up shows the lesson; a poor one does not, and says what to
// try; one worker cannot gain, and the hint says so.
func TestSpeedupVerdicts(t *testing.T) {
	ms := time.Millisecond
	seq := modes.Run{Mode: modes.Sequential, Workers: 1, Rounds: []time.Duration{332 * ms}}
	for _, c := range []struct {
		name     string
		pool     []modes.Run
		workers  int
		observed bool
		words    string
		hint     string
	}{
		{"issue 12's 3.32×", []modes.Run{{Mode: modes.Processes, Workers: 2, Startup: 30 * ms, Rounds: []time.Duration{100 * ms}}}, 2, false,
			"processes 3.32× the sequential speed — above the 2× that min(workers, CPUs) allows, so a measurement problem", "--repeat 5"},
		{"good", []modes.Run{{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{175 * ms}},
			{Mode: modes.Processes, Workers: 2, Startup: 30 * ms, Rounds: []time.Duration{180 * ms}}}, 2, true,
			"goroutines 1.9× the sequential speed (best possible 2×, efficiency 95%); processes 1.84×", ""},
		{"poor", []modes.Run{{Mode: modes.Goroutines, Workers: 2, Rounds: []time.Duration{300 * ms}}}, 2, false,
			"goroutines 1.11× the sequential speed, short of 1.5×, half the possible gain", "more or larger primes"},
		{"one worker", []modes.Run{{Mode: modes.Goroutines, Workers: 1, Rounds: []time.Duration{330 * ms}}}, 1, false,
			"nothing runs side by side", "--workers 2 or more"},
	} {
		rep := append(modes.Report{seq}, c.pool...)
		verdict, observed, hint := judgeSpeedups(rep, "6 of 6", 2, c.workers, 6)
		if observed != c.observed || !strings.Contains(verdict, c.words) || !strings.HasPrefix(hint, c.hint) {
			t.Errorf("%s: observed %v, verdict %q, hint %q", c.name, observed, verdict, hint)
		}
	}
}
