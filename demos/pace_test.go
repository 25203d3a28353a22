package demos_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
)

func TestPace(t *testing.T) {
	// semaphore limit at a very high speed: 246 story-s for 20.
	p := demos.Pace{Want: 20 * time.Millisecond, Got: 246 * time.Millisecond, Speed: 1000}
	if p.Kept() || p.Late() != 226*time.Millisecond {
		t.Fatalf("%+v: kept %v, late %v", p, p.Kept(), p.Late())
	}
	if s := p.Behind(); !strings.Contains(s, "246 story-s where the story takes 20") || !strings.Contains(s, "226ms") {
		t.Errorf("behind: %q", s)
	}
	for _, c := range []struct {
		want, got   time.Duration
		kept, early bool
	}{
		{2 * time.Second, 2 * time.Second, true, false},
		{2 * time.Second, 2400 * time.Millisecond, true, false},
		{2 * time.Second, 2600 * time.Millisecond, false, false},
		{10 * time.Millisecond, 12 * time.Millisecond, true, false},
		{10 * time.Millisecond, 13 * time.Millisecond, false, false},
		{4 * time.Millisecond, 5900 * time.Microsecond, true, false}, // the floor
		{4 * time.Millisecond, 6100 * time.Microsecond, false, false},
		// thread timer at --speed 1000: 8.5 story-s for 1 (issue 12).
		{time.Millisecond, 8500 * time.Microsecond, false, false},
		{2 * time.Second, 1500 * time.Millisecond, true, true},
	} {
		p := demos.Pace{Want: c.want, Got: c.got, Speed: 10}
		if p.Kept() != c.kept || p.Early() != c.early {
			t.Errorf("%v for %v: kept %v early %v", c.got, c.want, p.Kept(), p.Early())
		}
	}
}
