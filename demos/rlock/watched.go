package rlock

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// watchedMutex is a plain sync.Mutex plus notes for the deadlock watchdog:
// who holds it and who is waiting for it. The notes do not change how it
// blocks — Lock really is sync.Mutex.Lock, which cannot be interrupted — but
// they let the watchdog see a goroutine waiting for a lock it holds itself,
// and they let the watchdog end the phase without leaving anybody stuck.
type watchedMutex struct {
	mu sync.Mutex // the real, non-re-entrant lock

	notes   sync.Mutex // guards the fields below; never held while blocking
	now     func() time.Duration
	holder  string                   // "" when free
	waiting map[string]time.Duration // who waits in Lock, since when
	ended   bool                     // the watchdog has ended the phase
}

func newWatchedMutex(now func() time.Duration) *watchedMutex {
	return &watchedMutex{now: now, waiting: map[string]time.Duration{}}
}

// Lock takes the mutex for who. If who already holds it, it waits for
// itself: forever, unless the watchdog steps in.
func (m *watchedMutex) Lock(who string) {
	m.notes.Lock()
	if m.ended {
		m.giveBack(who)
		m.notes.Unlock()
		runtime.Goexit() // the phase is over: end this goroutine (its defers still run)
	}
	m.waiting[who] = m.now()
	m.notes.Unlock()

	m.mu.Lock() // sync.Mutex: a second Lock by the holder never returns

	m.notes.Lock()
	defer m.notes.Unlock()
	delete(m.waiting, who)
	if m.ended {
		// The watchdog unlocked the mutex to end the phase: pass it on to
		// the next stuck goroutine and end this one.
		m.mu.Unlock()
		runtime.Goexit()
	}
	m.holder = who
}

// Unlock gives the mutex back if who holds it. After the watchdog ended the
// phase, who may no longer hold it: then there is nothing to give back.
func (m *watchedMutex) Unlock(who string) {
	m.notes.Lock()
	defer m.notes.Unlock()
	m.giveBack(who)
}

func (m *watchedMutex) giveBack(who string) {
	if m.holder == who {
		m.holder = ""
		m.mu.Unlock()
	}
}

// selfWait reports a goroutine that waits for the mutex it holds itself,
// and since when. For a non-re-entrant lock that is a certain deadlock.
func (m *watchedMutex) selfWait() (who string, since time.Duration, ok bool) {
	m.notes.Lock()
	defer m.notes.Unlock()
	since, ok = m.waiting[m.holder]
	return m.holder, since, ok && m.holder != ""
}

// end stops the phase: every later Lock ends its goroutine, and a goroutine
// stuck waiting for the mutex it holds gets it unlocked from here, the
// watchdog's goroutine. Go allows that (a sync.Mutex belongs to no
// goroutine); real code should never need it. It returns who was freed.
func (m *watchedMutex) end() (freed string) {
	m.notes.Lock()
	defer m.notes.Unlock()
	m.ended = true
	if _, stuck := m.waiting[m.holder]; stuck && m.holder != "" {
		freed, m.holder = m.holder, ""
		m.mu.Unlock()
	}
	return freed
}

// describe says who holds the mutex and who waits for it, for the watchdog.
func (m *watchedMutex) describe() string {
	m.notes.Lock()
	defer m.notes.Unlock()
	now := m.now()
	var parts []string
	if since, self := m.waiting[m.holder]; self && m.holder != "" {
		parts = append(parts, fmt.Sprintf("%s holds the box lock and has waited %s to take it again: it waits for itself", m.holder, ev.Dur(now-since)))
	} else if m.holder != "" {
		parts = append(parts, m.holder+" holds the box lock")
	}
	for _, who := range slices.Sorted(maps.Keys(m.waiting)) {
		if who == m.holder {
			continue
		} else if m.holder != "" {
			parts = append(parts, fmt.Sprintf("%s waits for it behind %s", who, m.holder))
		} else {
			parts = append(parts, who+" waits for it")
		}
	}
	if len(parts) == 0 {
		return "nobody holds the box lock"
	}
	return strings.Join(parts, "; ")
}
