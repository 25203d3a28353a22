package coro

import "fmt"

// Hub runs greenlets: coroutines that hand control to each other by name,
// as Python's greenlet.switch does, passing a value of type V each time.
// Only one of them runs at any moment, and it runs until it switches
// away; nothing else can interrupt it.
//
// Greenlets are symmetric (any one may switch to any other), while a Coro
// is asymmetric (it can only yield back to whoever resumed it). The hub
// bridges the two with a trampoline: every greenlet is a Coro that, to
// switch, yields "run that one with this value" to the hub, and the hub
// resumes that one. The goroutine that calls Switch on the hub plays
// greenlet's "main" greenlet, every greenlet's parent.
type Hub[V any] struct {
	all []*Greenlet[V]
	// current is the greenlet that holds control, nil for main.
	current *Greenlet[V]
}

// Greenlet is one coroutine of a Hub.
type Greenlet[V any] struct {
	Name string
	hub  *Hub[V]
	fn   func(g *Greenlet[V], arg V)
	arg  V // what the first switch to it carried: fn's argument
	co   *Coro[V, move[V]]
	// yieldTo is the yield of co's body: it suspends g and gives m to
	// the hub.
	yieldTo func(m move[V]) V
	ended   bool // fn returned
}

// move is what a greenlet yields to the hub: switch to `to` (nil: back to
// main) carrying v, or "I have finished".
type move[V any] struct {
	to       *Greenlet[V]
	v        V
	finished bool
}

// Spawn makes a greenlet that will run fn. Nothing runs yet: the first
// switch to it calls fn with the value switched in (greenlet(fn), then
// g.switch(arg)).
func (h *Hub[V]) Spawn(name string, fn func(g *Greenlet[V], arg V)) *Greenlet[V] {
	g := &Greenlet[V]{Name: name, hub: h, fn: fn}
	g.co = New(func(yield func(move[V]) V) {
		g.yieldTo = yield
		g.fn(g, g.arg)
		g.ended = true
		yield(move[V]{finished: true}) // control goes back to the parent
	})
	h.all = append(h.all, g)
	return g
}

// Switch, called by main (the goroutine that owns the hub, outside every
// greenlet), hands control to g with v and waits until control comes
// back to main: a greenlet switches to main (Greenlet.Switch with a nil
// target) or finishes, which in greenlet returns to its parent. It
// returns the value passed back, and whether it came back because a
// greenlet finished.
func (h *Hub[V]) Switch(g *Greenlet[V], v V) (back V, finished bool) {
	if h.current != nil {
		panic("coro: Hub.Switch called from inside greenlet " + h.current.Name + "; use its Switch")
	}
	for g != nil {
		if g.ended || g.co.Done() {
			panic(fmt.Sprintf("coro: switch to greenlet %s, which has finished", g.Name))
		}
		h.current = g
		var m move[V]
		if !g.co.started {
			g.arg = v
			m, _ = g.co.Next()
		} else {
			m, _ = g.co.Send(v)
		}
		h.current = nil
		if m.finished {
			var zero V
			return zero, true
		}
		g, v = m.to, m.v
	}
	return v, false
}

// Switch, called from inside greenlet g, suspends g and hands control to
// `to` with v (to nil means back to main). It returns the value passed by
// whoever switches back to g later. If nobody ever does, Hub.Close unwinds
// g from here.
func (g *Greenlet[V]) Switch(to *Greenlet[V], v V) V {
	if g.hub.current != g {
		panic("coro: Switch called on greenlet " + g.Name + " from outside it")
	}
	// The hub resumes g later with Send(value): the yield returns it.
	return g.yieldTo(move[V]{to: to, v: v})
}

// Suspended lists, in spawn order, the greenlets that have started and
// not finished: they are parked in a switch that nobody will answer.
func (h *Hub[V]) Suspended() []string {
	var out []string
	for _, g := range h.all {
		if g.co.started && !g.ended && !g.co.Done() {
			out = append(out, g.Name)
		}
	}
	return out
}

// Close unwinds every greenlet still suspended, running its deferred
// calls (greenlet raises GreenletExit in a suspended greenlet when it is
// garbage-collected; Go collects nothing that is still parked, so the hub
// does it by hand). Call it once main is done with the hub.
func (h *Hub[V]) Close() {
	for _, g := range h.all {
		g.co.Close()
	}
}
