package tickets_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/tickets"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the buyer processes.
func TestMain(m *testing.M) { demotest.Main(m, tickets.New()) }

func skipUnsupported(t *testing.T) {
	t.Helper()
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
}

// dbPath is where the run said its database lives.
func dbPath(t *testing.T, c *demotest.Capture) (string, bool) {
	t.Helper()
	for _, e := range c.Events {
		if p, ok := e.Attrs["db"].(string); ok {
			return p, e.Attrs["temp"] == true
		}
	}
	t.Fatal("no event named the database")
	return "", false
}

// checkDB fails unless the file holds valid JSON with a count in [0, max].
func checkDB(t *testing.T, path string, max int) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("database: %v", err)
	}
	var s struct {
		Tickets *int `json:"tickets"`
	}
	if err := json.Unmarshal(data, &s); err != nil || s.Tickets == nil {
		t.Fatalf("database is not valid: %v: %q", err, data)
	}
	if *s.Tickets < 0 || *s.Tickets > max {
		t.Fatalf("database says %d tickets, want 0..%d", *s.Tickets, max)
	}
	return *s.Tickets
}

// buyerPids are the pids the buyers' events carried.
func buyerPids(c *demotest.Capture) []int {
	seen := map[int]bool{}
	var out []int
	for _, e := range c.Events {
		if p, ok := e.Attrs["pid"].(int); ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Without the lock the buyers overlap and sell the single ticket several
// times. The lesson is nondeterministic, so it is counted, not assumed:
// it must show in at least 19 of 20 runs.
func TestOversellsWithoutLock(t *testing.T) {
	skipUnsupported(t)
	const runs = 20
	shown := 0
	for i := range runs {
		res, c := demotest.MustRun(t, tickets.New(), 100)
		m := demotest.Metrics[tickets.Metrics](t, res)
		if n := m.Oversold; n > 0 {
			shown++
			if !res.Observed || !strings.Contains(res.Verdict, "oversold") {
				t.Errorf("run %d: oversold %d but verdict %q (observed %v)", i, n, res.Verdict, res.Observed)
			}
			if m.Sold != m.Successes || m.Oversold != m.Sold-1 {
				t.Errorf("run %d: inconsistent metrics %+v", i, m)
			}
		} else if res.Observed || res.Hint == "" {
			t.Errorf("run %d: no oversell, yet verdict %q observed=%v hint=%q", i, res.Verdict, res.Observed, res.Hint)
		}
		if !m.DBValid || m.Lock {
			t.Errorf("run %d: metrics %+v", i, m)
		}
		if len(m.Pids) != 3 {
			t.Errorf("run %d: pids %v, want 3", i, m.Pids)
		}
		// The default database lives in a temporary directory that is
		// gone once the run is over.
		if p, temp := dbPath(t, c); !temp {
			t.Errorf("run %d: default database %s not temporary", i, p)
		} else if _, err := os.Stat(filepath.Dir(p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("run %d: temporary directory %s left behind (%v)", i, filepath.Dir(p), err)
		}
	}
	t.Logf("oversold in %d of %d runs at --speed 100", shown, runs)
	if shown < runs-1 {
		t.Errorf("oversold in only %d of %d runs", shown, runs)
	}
}

// With the lock nobody is ever oversold, whatever the numbers: exactly
// min(tickets, buyers) buyers succeed and the file agrees.
func TestLockNeverOversells(t *testing.T) {
	skipUnsupported(t)
	for _, tc := range []struct{ tickets, buyers string }{{"1", "3"}, {"5", "12"}, {"0", "3"}, {"3", "3"}, {"4", "2"}} {
		t.Run(tc.tickets+"/"+tc.buyers, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "tickets.json")
			res, c := demotest.MustRun(t, tickets.New(), 200, "lock", "tickets="+tc.tickets, "buyers="+tc.buyers, "db="+db)
			m := demotest.Metrics[tickets.Metrics](t, res)
			nt, nb := m.Tickets, m.Buyers
			want := min(nt, nb)
			if m.Sold != want || m.Oversold != 0 || m.LostSales != 0 {
				t.Fatalf("metrics %+v, want sold %d and nothing oversold or lost", m, want)
			}
			if !res.Observed || !m.DBValid || !m.Lock {
				t.Errorf("verdict %q observed=%v metrics %+v", res.Verdict, res.Observed, m)
			}
			if m.DB != db || len(m.Pids) != nb {
				t.Errorf("metrics name database %q and pids %v, want %q and %d pids", m.DB, m.Pids, db, nb)
			}
			if left := checkDB(t, db, nt); left != nt-want || m.Left != left {
				t.Errorf("file says %d left, metric %v; want %d", left, m.Left, nt-want)
			}
			// Every buyer took the lock, one at a time: each "holds the
			// lock" is followed by that buyer's release before the next.
			// Events from different processes arrive over different pipes,
			// in any order, and one that arrives late is re-stamped so that
			// t_ms never goes back: neither order is the lock's. Each buyer
			// stamps its "holds" and "releases" while holding the lock on
			// CLOCK_MONOTONIC (mono_ns), one clock for all processes; in
			// that order the holds must not overlap.
			events, err := lockOrder(c.Events)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) != 2*nb {
				t.Errorf("%d lock events, want a hold and a release for each of %d buyers", len(events), nb)
			}
			if err := exclusive(events); err != nil {
				t.Fatal(err)
			}
			// The lock file stays (removing it would be unsafe); no
			// temporary file does.
			entries, _ := os.ReadDir(filepath.Dir(db))
			for _, e := range entries {
				if e.Name() != "tickets.json" && e.Name() != "tickets.json.lock" {
					t.Errorf("left next to the database: %s", e.Name())
				}
			}
			if got := buyerPids(c); len(got) != nb {
				t.Errorf("events came from %d pids, want %d", len(got), nb)
			}
		})
	}
}

// More tickets than buyers: nobody is oversold, yet without the lock the
// buyers overwrite each other's count and the file forgets sales.
func TestLostSalesWithoutLock(t *testing.T) {
	skipUnsupported(t)
	res, _ := demotest.MustRun(t, tickets.New(), 100, "tickets=3", "buyers=3")
	m := demotest.Metrics[tickets.Metrics](t, res)
	if m.Oversold != 0 || m.Sold != 3 {
		t.Fatalf("metrics %+v", m)
	}
	if lost := m.LostSales; lost > 0 != res.Observed {
		t.Errorf("lost %d, observed %v, verdict %q", lost, res.Observed, res.Verdict)
	}
}

// Zero tickets: nothing to race for, and the verdict says so.
func TestNoTicketsNoLesson(t *testing.T) {
	skipUnsupported(t)
	res, _ := demotest.MustRun(t, tickets.New(), 200, "tickets=0")
	if m := demotest.Metrics[tickets.Metrics](t, res); m.Sold != 0 || res.Observed || res.Hint == "" {
		t.Fatalf("verdict %q observed=%v hint=%q metrics %+v", res.Verdict, res.Observed, res.Hint, m)
	}
}

// Interrupted in the middle (the buyers are saving): the run reports the
// interruption, the buyers are gone, and the file is valid JSON.
func TestInterruptLeavesValidDB(t *testing.T) {
	skipUnsupported(t)
	for _, lock := range []string{"lock=false", "lock=true"} {
		t.Run(lock, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "tickets.json")
			c := interrupted(t, lock, "buyers=4", "db="+db)
			checkDB(t, db, 1)
			entries, _ := os.ReadDir(filepath.Dir(db))
			for _, e := range entries {
				if e.Name() != "tickets.json" && e.Name() != "tickets.json.lock" {
					t.Errorf("left next to the database: %s", e.Name())
				}
			}
			assertBuyersGone(t, buyerPids(c))
		})
	}
	t.Run("temporary", func(t *testing.T) {
		c := interrupted(t, "buyers=2")
		p, temp := dbPath(t, c)
		if !temp {
			t.Fatalf("database %s not temporary", p)
		}
		if _, err := os.Stat(filepath.Dir(p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("temporary directory %s left behind after the interrupt (%v)", filepath.Dir(p), err)
		}
		assertBuyersGone(t, buyerPids(c))
	})
}

// interrupted runs the scenario at --speed 10 and cancels it once a buyer
// has announced it is saving its ticket (or after a while).
func interrupted(t *testing.T, knobs ...string) *demotest.Capture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &watchCapture{saving: make(chan struct{})}
	go func() {
		select {
		case <-c.saving:
		case <-time.After(5 * time.Second):
		}
		cancel()
	}()
	d := tickets.New()
	_, _, err := demos.Execute(ctx, d, demos.Config{Seed: 1, Speed: 10, Knobs: demotest.Knobs(t, d, knobs...), Watchdog: 5 * time.Second}, c)
	if !errors.Is(err, demos.ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if !anySaving(&c.Capture) {
		t.Fatal("cancelled before any buyer started saving")
	}
	return &c.Capture
}

func anySaving(c *demotest.Capture) bool {
	for _, e := range c.Events {
		if strings.Contains(e.Msg, "saving it takes") {
			return true
		}
	}
	return false
}

// watchCapture records like demotest.Capture and signals the first "saving" event.
type watchCapture struct {
	demotest.Capture
	saving chan struct{}
	once   bool
}

func (w *watchCapture) Event(e ev.Event) {
	w.Capture.Event(e)
	if !w.once && strings.Contains(e.Msg, "saving it takes") {
		w.once = true
		close(w.saving)
	}
}

// A --db that cannot work is a usage error before any process starts.
func TestCheckRefusesBadDB(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ db, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "missing", "tickets.json"), "does not exist"},
	} {
		if err := demotest.CheckErr(t, tickets.New(), "db="+tc.db); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--db %s: %v, want an error saying it %s", tc.db, err, tc.want)
		}
	}
	for _, db := range []string{"", filepath.Join(dir, "tickets.json")} {
		if err := demotest.CheckErr(t, tickets.New(), "db="+db); err != nil {
			t.Errorf("--db %q refused: %v", db, err)
		}
	}
}

// A --db whose replacement would destroy something is refused unless
// --force: a symbolic link (the rename would replace the link), a file
// holding anything but a ticket database; a device never. Names up to
// the longest the lock file leaves room for work.
func TestCheckProtectsWhatDBNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	target := write("target.json", `{"tickets": 3}`)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	notes := write("notes.txt", "my thesis, chapter 1\n")
	other := write("other.json", `{"tickets": 3, "owner": "someone else"}`)
	list := write("list.json", `[1, 2, 3]`)
	for _, tc := range []struct {
		db, want string
		force    bool
	}{
		{link, "is a symbolic link", false},
		{notes, "holds something other than a ticket database", false},
		{other, "holds something other than a ticket database", false},
		{list, "holds something other than a ticket database", false},
		{os.DevNull, "not a regular file", false},
		{os.DevNull, "not a regular file", true},
		{filepath.Join(dir, strings.Repeat("n", 246)+".json"), "at most 250 fit", false},
	} {
		knobs := []string{"db=" + tc.db}
		if tc.force {
			knobs = append(knobs, "force")
		}
		err := demotest.CheckErr(t, tickets.New(), knobs...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--db %.60s (force %v): %v, want one line saying it %s", tc.db, tc.force, err, tc.want)
		} else if !tc.force && tc.db != os.DevNull && !strings.Contains(err.Error(), "--db") {
			t.Errorf("--db %.60s: the error does not name the knob: %v", tc.db, err)
		}
	}
	for _, tc := range []struct {
		db    string
		force bool
	}{
		{target, false},
		{write("empty.json", ""), false},
		{link, true},
		{notes, true},
		{filepath.Join(dir, strings.Repeat("n", 245)), false},
		{filepath.Join(dir, strings.Repeat("n", 245)+".json"), false},
	} {
		knobs := []string{"db=" + tc.db}
		if tc.force {
			knobs = append(knobs, "force")
		}
		if err := demotest.CheckErr(t, tickets.New(), knobs...); err != nil {
			t.Errorf("--db %.60s (force %v) refused: %v", tc.db, tc.force, err)
		}
	}
}

// A --db name of 245 bytes (a valid name, with room for ".lock") works:
// the temporary file the database is written through is named to fit.
func TestLongDBName(t *testing.T) {
	skipUnsupported(t)
	db := filepath.Join(t.TempDir(), strings.Repeat("t", 240)+".json")
	res, _ := demotest.MustRun(t, tickets.New(), 500, "lock", "buyers=3", "db="+db)
	if m := demotest.Metrics[tickets.Metrics](t, res); !m.DBValid || m.Sold != 1 {
		t.Fatalf("metrics %+v", m)
	}
	checkDB(t, db, 1)
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// The buyers are quiet while they save (2 story-seconds), and so is main
// while it waits for them; their sleeps, announced to the parent, keep the
// watchdog from calling that a stall. Here a save lasts 1 s and the
// watchdog gives up after 0.4 s of silence that nobody sleeps through.
func TestSleepingBuyersAreNotAStall(t *testing.T) {
	skipUnsupported(t)
	d := tickets.New()
	res, _, err := demos.Execute(context.Background(), d,
		demos.Config{Seed: 1, Speed: 2, Knobs: demotest.Knobs(t, d, "buyers=2"), Watchdog: 400 * time.Millisecond}, &demotest.Capture{})
	if err != nil {
		t.Fatalf("err = %v, want the run to finish", err)
	}
	if m := demotest.Metrics[tickets.Metrics](t, res); m.Sold != 2 {
		t.Errorf("metrics %+v", m)
	}
}

// lockOrder is the lock events (holds and releases) in the order of their
// monotonic stamps, taken under the lock; an error if one has none.
func lockOrder(all []ev.Event) ([]ev.Event, error) {
	var events []ev.Event
	for _, e := range all {
		if e.Kind != ev.Acquire && e.Kind != ev.Release {
			continue
		}
		if ns, ok := e.Attrs["mono_ns"].(float64); !ok || ns <= 0 {
			return nil, fmt.Errorf("%s %q carries no monotonic stamp: %v", e.Actor, e.Msg, e.Attrs)
		}
		events = append(events, e)
	}
	mono := func(e ev.Event) float64 { return e.Attrs["mono_ns"].(float64) }
	slices.SortStableFunc(events, func(a, b ev.Event) int { return cmp.Compare(mono(a), mono(b)) })
	return events, nil
}

// exclusive checks that each hold is released by its holder before the
// next hold.
func exclusive(events []ev.Event) error {
	holder := ""
	for _, e := range events {
		switch e.Kind {
		case ev.Acquire:
			if holder != "" {
				return fmt.Errorf("%s took the lock while %s held it", e.Actor, holder)
			}
			holder = e.Actor
		case ev.Release:
			if e.Actor != holder {
				return fmt.Errorf("%s released a lock held by %q", e.Actor, holder)
			}
			holder = ""
		}
	}
	return nil
}

// The order check is the lock's order, not the arrival order: holds that
// arrived out of turn (and were re-stamped later) pass, and holds that
// really overlapped on the monotonic clock fail, whatever order they
// arrived in. (Before the stamps, 18 of 30 runs of 5 tickets / 12 buyers
// looked overlapped in arrival or t_ms order.)
func TestLockOrderIsTheLocksOrder(t *testing.T) {
	at := func(kind ev.Kind, actor string, ns float64, tms int) ev.Event {
		return ev.Event{Kind: kind, Actor: actor, T: time.Duration(tms) * time.Millisecond, Attrs: map[string]any{"mono_ns": ns}}
	}
	// buyer-7 held 100–200, buyer-10 200.5–300; buyer-7's release arrived
	// after buyer-10's hold and was re-stamped at 31 ms.
	arrived := []ev.Event{at(ev.Acquire, "buyer-7", 100, 10), at(ev.Acquire, "buyer-10", 200.5, 30), at(ev.Release, "buyer-7", 200, 31), at(ev.Release, "buyer-10", 300, 40)}
	if err := exclusive(arrived); err == nil {
		t.Fatal("arrival order should look overlapped (the old check)")
	}
	events, err := lockOrder(arrived)
	if err != nil || exclusive(events) != nil {
		t.Errorf("in lock order: %v, %v", err, exclusive(events))
	}
	// A real overlap: buyer-10 took it at 150 while buyer-7 held it.
	overlap := []ev.Event{at(ev.Acquire, "buyer-7", 100, 10), at(ev.Release, "buyer-7", 200, 11), at(ev.Acquire, "buyer-10", 150, 12), at(ev.Release, "buyer-10", 300, 13)}
	events, _ = lockOrder(overlap)
	if err := exclusive(events); err == nil || !strings.Contains(err.Error(), "buyer-10 took the lock while buyer-7 held it") {
		t.Errorf("a real overlap: %v", err)
	}
	// No stamp, no proof.
	if _, err := lockOrder([]ev.Event{{Kind: ev.Acquire, Actor: "buyer-1"}}); err == nil {
		t.Error("an unstamped hold passed")
	}
}
