package demos

import (
	"fmt"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// Pace compares how long something took with how long the story says it
// takes at this --speed. A lesson that claims a timing ("about 20
// story-seconds", "about the longest worker") judges it with Kept: when the
// machine could not keep the pace (too high a --speed, a busy machine), the
// verdict says so instead of passing.
type Pace struct {
	Want  time.Duration // the story's duration, in real time at this speed
	Got   time.Duration // what was measured
	Speed float64       // --speed, to speak in story-seconds
}

// Pace judges got against story seconds of the story clock.
func (e *Env) Pace(story float64, got time.Duration) Pace { return NewPace(e.Speed, story, got) }

// NewPace judges got against story seconds at speed (for a conclusion
// computed, or tested, without an Env).
func NewPace(speed, story float64, got time.Duration) Pace {
	return Pace{Want: time.Duration(story / speed * float64(time.Second)), Got: got, Speed: speed}
}

// paceFloor is the least slack a measurement gets: a timer or a
// goroutine's wake-up can lag this much on a busy machine. It is small on
// purpose: the verdict prints story-seconds, and at a very high --speed a
// few milliseconds of lag are many story-seconds — the machine not keeping
// the pace, which the verdict must say.
const paceFloor = 2 * time.Millisecond

// Slack is how late a measurement may be and still count as on time: a
// quarter of the story's duration, and at least 2ms of real time.
func (p Pace) Slack() time.Duration { return max(p.Want/4, paceFloor) }

// Late is how far past the story's duration the measurement ran (0 when
// it was on time or early).
func (p Pace) Late() time.Duration { return max(0, p.Got-p.Want) }

// Kept reports whether the measurement ran no later than the story's
// duration plus Slack.
func (p Pace) Kept() bool { return p.Got <= p.Want+p.Slack() }

// Early reports whether the measurement ended sooner than the story's
// duration allows (beyond timer granularity): a sleep cannot end early, so
// this is a bug, not a slow machine.
func (p Pace) Early() bool { return p.Got < p.Want-p.Want/20-time.Millisecond }

// StoryGot is the measurement in story-seconds.
func (p Pace) StoryGot() float64 { return p.Got.Seconds() * p.Speed }

// StoryWant is the story's duration in story-seconds.
func (p Pace) StoryWant() float64 { return p.Want.Seconds() * p.Speed }

// Behind says, for a verdict, that the machine could not keep the pace:
// "the machine could not keep the pace: 24.6 story-s where the story
// takes 20 (late by 226ms of real time)".
func (p Pace) Behind() string {
	return fmt.Sprintf("the machine could not keep the pace: %s story-s where the story takes %s (late by %s of real time)",
		ev.Float(p.StoryGot()), ev.Float(p.StoryWant()), ev.Dur(p.Late()))
}

// PaceHint is the knob to try when the machine could not keep the pace.
const PaceHint = "a lower --speed, or a less busy machine"
