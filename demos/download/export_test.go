package download

import (
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// FormForTest is one form's measurements, injected by a test.
type FormForTest struct {
	Name  string
	Wall  time.Duration
	Spans [][2]time.Duration
	Pids  []int
}

// ConcludeForTest is conclude on injected measurements.
func ConcludeForTest(secs []float64, fs []FormForTest) ev.Result {
	var forms []*form
	for _, f := range fs {
		x := &form{name: f.Name, wall: f.Wall, pids: f.Pids}
		for _, s := range f.Spans {
			x.spans = append(x.spans, span{Start: s[0], End: s[1]})
		}
		forms = append(forms, x)
	}
	return conclude(secs, forms)
}
