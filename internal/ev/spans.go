package ev

// Attributes the timeline view (`--view timeline`, docs/design.md
// "Timeline") reads to draw segments. They are ordinary attributes: the
// text view ignores them and JSON passes them on, so a timeline can be
// drawn again from a run's JSON lines (`pardemo timeline`).
//
// The kinds already say most of it: an actor is alive from its first event
// to Done, waits from Wait to its next event, and holds from Acquire to
// Release. The attributes name what the kinds leave open.
const (
	// AttrLock names what an Acquire takes, a Release gives back, or a
	// Wait waits for: "lock-A", "tickets.json.lock", "permit". A Release
	// with a lock ends that hold; without one, the latest.
	AttrLock = "lock"
	// AttrOn names what a Wait waits on when it is not a lock: "green",
	// "the barrier", "room in the queue".
	AttrOn = "on"
	// AttrBy names the actor that caused a Wake (the light that turned
	// green, the customer who made room): the timeline marks the waker's
	// lane at that moment.
	AttrBy = "by"
	// AttrState names the state an actor is in from this event until its
	// next event carrying a state ("green", "red"); an event's Tone counts
	// as a state too.
	AttrState = "state"
	// AttrSpan opens a named segment on the actor's lane ("read-write");
	// AttrSpanEnd, carrying the same name, closes it. A span left open
	// ends with the actor.
	AttrSpan    = "span"
	AttrSpanEnd = "span_end"
	// AttrEnd (true) says the actor is gone after this event, as after a
	// Done: a customer's one line on leaving.
	AttrEnd = "end"
	// AttrWaited lists waits of the actor that were too many to report one
	// by one: [[from_ms, to_ms], …] on the run's clock (t_ms), each drawn
	// as waiting. Carry it on an event after the last of them, outside any
	// hot loop.
	AttrWaited = "waited"
)
