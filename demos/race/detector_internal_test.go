package race

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/internal/race"
)

// TestDetectorVerdictCanFail: the verdict is "shown" only when a report
// names the counter's lines and the program exited with the detector's
// status.
func TestDetectorVerdictCanFail(t *testing.T) {
	o := &Options{Plain: true, Detector: true, Count: 1000}
	ran := race.Ran{Exit: 0, Counter: 0}
	res := concludeDetector(o, 1000, Detector{Lines: race.RacyLines()}, race.DataRace{}, ran)
	if res.Observed || res.Hint == "" || !strings.Contains(res.Verdict, "no report names") {
		t.Errorf("no report: %+v", res)
	}
	res = concludeDetector(o, 1000, Detector{OnCounter: true, ExitCode: 3}, race.DataRace{}, race.Ran{Exit: 3})
	if res.Observed || !strings.Contains(res.Verdict, "status 3") {
		t.Errorf("wrong exit status: %+v", res)
	}
}
