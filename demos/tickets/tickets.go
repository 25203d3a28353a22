// Package tickets is scenario I4: buyer processes sell tickets from a JSON
// file, and oversell it unless a file lock guards the read-modify-write.
package tickets

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds.
const (
	lookTime  = 0.1 // after reading the count, before buying
	thinkTime = 0.1 // between reading the count and deciding
	saveTime  = 2.0 // between deciding and writing the new count back
)

const roleBuyer = "tickets/buyer"

// Options are the scenario's knobs.
type Options struct {
	Lock    bool   // hold the file lock across each buyer's read-modify-write
	Tickets int    // tickets in the database at the start
	Buyers  int    // buyer processes
	DB      string // the database file; "" means a temporary one
	Force   bool   // replace a --db that is a symbolic link or not a ticket database
}

// Metrics are what the scenario measured.
type Metrics struct {
	Tickets   int    `json:"tickets"`    // tickets in the database at the start (--tickets)
	Buyers    int    `json:"buyers"`     // buyer processes started (--buyers)
	Lock      bool   `json:"lock"`       // each buyer held the file lock across its read-modify-write (--lock)
	Sold      int    `json:"sold"`       // buyers told they got a ticket, whether or not the ticket existed
	Oversold  int    `json:"oversold"`   // sales beyond the tickets that existed: max(0, sold - tickets); always 0 with --lock
	Successes int    `json:"successes"`  // buyers who bought: the same number as sold (a sale is a buyer's success)
	Left      int    `json:"left"`       // the count the database holds at the end
	LostSales int    `json:"lost_sales"` // sales the database forgot: left - max(0, tickets - sold) (buyers overwrote each other's count)
	DBValid   bool   `json:"db_valid"`   // the database was re-read at the end as valid JSON with a count from 0 to tickets
	DB        string `json:"db"`         // the database file (--db), or "" when it was a temporary file, removed afterwards
	Pids      []int  `json:"pids"`       // the buyers' process ids, in buyer order
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "tickets", ID: "I4",
		Speed:  1, // pacing: the default run takes 1–6 s (issue 13)
		Title:  "Buyer processes share a file database: without a file lock they oversell it",
		Python: "multiprocessing.Lock / fcntl.flock", Go: "an advisory file lock (gofrs/flock) on a separate .lock file",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Bool(&o.Lock, "lock", "hold a file lock across each buyer's read-modify-write")
			k.Int(&o.Tickets, "tickets", "tickets in the database at the start", 1, 0, 1_000)
			k.Int(&o.Buyers, "buyers", "buyer processes", 3, 1, 32)
			k.Path(&o.DB, "db", "the database file, created or overwritten and left in place (default: a temporary file, removed afterwards)")
			k.Bool(&o.Force, "force", "let --db replace a symbolic link, or a file that is not a ticket database")
		},
		Check:    func(o *Options, _ *demos.Knobs) error { return checkDB(o.DB, o.Force) },
		Explain:  lesson,
		Lesson:   []string{"demos/tickets/tickets.go", "internal/proc/filedb.go"},
		Run:      run,
		Outcomes: outcomes,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{roleBuyer: buyer},
	}.Demo()
}

// checkDB turns a --db that cannot work, or that would destroy something,
// into a usage error before any process starts: its directory must exist;
// it must not be a directory or a device; its name must leave room for the
// lock file's; and unless force, it must not be a symbolic link (the
// database is replaced by renaming a new file over it, which would replace
// the link, not the file it points to) nor a file holding anything but a
// ticket database.
func checkDB(path string, force bool) error {
	if path == "" {
		return nil
	}
	fi, err := os.Lstat(path)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if !force {
			return fmt.Errorf("--db %s is a symbolic link, which the run would replace by a regular file; name its target, or add --force", path)
		}
		fi, err = os.Stat(path) // what it points to, for the checks below
	}
	if err == nil && fi.IsDir() {
		return fmt.Errorf("--db %s is a directory; name a file in it, like %s", path, filepath.Join(path, "tickets.json"))
	}
	if err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("--db %s is not a regular file (a device, a pipe or a socket)", path)
	}
	dir := filepath.Dir(path)
	if di, err := os.Stat(dir); err != nil || !di.IsDir() {
		return fmt.Errorf("--db %s: the directory %s does not exist", path, dir)
	}
	if n := len(filepath.Base(path)); n > proc.MaxDBName {
		return fmt.Errorf("--db %s: the file name is %d bytes, at most %d fit (the lock file adds %q)", path, n, proc.MaxDBName, ".lock")
	}
	if err == nil && !force {
		if why := notTickets(path); why != "" {
			return fmt.Errorf("--db %s %s, which the run would overwrite; name another file, or add --force", path, why)
		}
	}
	return nil
}

// notTickets says why the file at path is not a ticket database a run may
// overwrite ("" if it is one, or empty): this scenario's own output is a
// JSON object with a "tickets" count and nothing else.
func notTickets(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "cannot be read (" + err.Error() + ")"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	switch {
	case err != nil:
		return "cannot be read (" + err.Error() + ")"
	case len(bytes.TrimSpace(data)) == 0:
		return "" // nothing to lose
	case len(data) == 64<<10:
		return "is too big to be a ticket database"
	}
	var s struct {
		Tickets *int `json:"tickets"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(&s) != nil || s.Tickets == nil || dec.More() {
		return `holds something other than a ticket database (a JSON object {"tickets": N})`
	}
	return ""
}

// stock is the whole database: one JSON object in one file.
type stock struct {
	Tickets int `json:"tickets"`
}

// buyerArgs is what the parent tells each buyer process.
type buyerArgs struct {
	DB   string `json:"db"`
	Lock bool   `json:"lock"`
}

// purchase is a buyer's account of its attempt, sent back to the parent.
type purchase struct {
	Saw      int     `json:"saw"`       // count shown before buying
	Read     int     `json:"read"`      // count read when buying
	Bought   bool    `json:"bought"`    // took a ticket and wrote the count back
	Wrote    int     `json:"wrote"`     // count written back (-1: none)
	WaitedMs float64 `json:"waited_ms"` // time spent waiting for the lock
}

// buyer is the body of each child process: it waits at the starting line
// with the other buyers (see run for why), buys, and reports its purchase.
func buyer(ctx context.Context, self *proc.Self) error {
	var a buyerArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	if err := self.StartLine(ctx); err != nil {
		return err
	}
	p, err := buy(ctx, self, proc.OpenFileDB(a.DB), a.Lock)
	if err != nil {
		return err
	}
	return self.Result(p)
}

// buy is one buyer's visit: look at the count, then read it, decide, and
// write the new count back — the read-modify-write that either holds the
// lock from start to end or races every other buyer.
func buy(ctx context.Context, self *proc.Self, db proc.FileDB, useLock bool) (purchase, error) {
	p := purchase{Wrote: -1}
	var s stock
	if err := db.Read(&s); err != nil {
		return p, err
	}
	p.Saw = s.Tickets
	self.Log(ev.Step, "sees "+count(s.Tickets, "ticket")+" left")
	if err := self.Sleep(ctx, lookTime); err != nil {
		return p, err
	}

	release := func() {}
	if useLock {
		l := db.Locker() // this process's own handle on tickets.json.lock
		self.Log(ev.Wait, "waits for the lock on "+filepath.Base(l.Path()), ev.AttrLock, filepath.Base(l.Path()))
		t0 := self.Now()
		if err := l.Lock(ctx); err != nil {
			return p, err
		}
		// If the process dies while holding it, the kernel drops the lock.
		waited := self.Now() - t0
		p.WaitedMs = ev.Ms(waited)
		// Both stamps are taken while holding the lock, on the machine's
		// monotonic clock (mono_ns), so they give the real order of the
		// holders whatever order the events reach the parent in.
		self.Log(ev.Acquire, "holds the lock (waited "+ev.Dur(waited)+")", "waited_ms", p.WaitedMs, "mono_ns", monoNs(), ev.AttrLock, filepath.Base(l.Path()))
		release = func() {
			// Said before unlocking, so on the shared clock it comes
			// before the next holder's "holds the lock".
			self.Log(ev.Release, "releases the lock", "mono_ns", monoNs(), ev.AttrLock, filepath.Base(l.Path()))
			l.Unlock()
		}
	}
	err := readModifyWrite(ctx, self, db, &p)
	release()
	if err != nil {
		return p, err
	}
	if p.Bought {
		self.Emit(ev.Event{Kind: ev.Done, Msg: fmt.Sprintf("bought a ticket (wrote %d back)", p.Wrote),
			Tone: ev.ToneGreen, Attrs: map[string]any{"wrote": p.Wrote, ev.AttrSpanEnd: readWrite}})
	} else {
		self.Emit(ev.Event{Kind: ev.Done, Msg: "sold out: goes home without a ticket", Tone: ev.ToneRed,
			Attrs: map[string]any{ev.AttrSpanEnd: readWrite}})
	}
	return p, nil
}

// readWrite names a buyer's window from reading the count to its write
// landing, for the timeline view (ev.AttrSpan).
const readWrite = "read-write"

// readModifyWrite reads the count, decides, and writes the new count back.
func readModifyWrite(ctx context.Context, self *proc.Self, db proc.FileDB, p *purchase) error {
	var s stock
	if err := db.Read(&s); err != nil {
		return err
	}
	p.Read = s.Tickets
	// The read opens the window a timeline draws as "read-write"; done
	// closes it, once the write has landed (or nothing was left to take).
	self.Log(ev.Step, fmt.Sprintf("reads %d left", s.Tickets), ev.AttrSpan, readWrite)
	if err := self.Sleep(ctx, thinkTime); err != nil {
		return err
	}
	if s.Tickets <= 0 {
		return nil
	}
	// The decision rests on the count read above. Anyone who read the same
	// count before this write lands makes the same decision.
	self.Logf(ev.Step, "takes a ticket: %d → %d, saving it takes %g s", s.Tickets, s.Tickets-1, saveTime)
	if err := self.Sleep(ctx, saveTime); err != nil {
		return err
	}
	if err := db.Write(stock{Tickets: s.Tickets - 1}); err != nil {
		return err
	}
	p.Bought, p.Wrote = true, s.Tickets-1
	return nil
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	nTickets, nBuyers, useLock := o.Tickets, o.Buyers, o.Lock

	// The database: the user's file, or one in a temporary directory that
	// goes away on every path out of here, Ctrl-C included.
	path, temp := o.DB, false
	if path == "" {
		dir, err := os.MkdirTemp("", "pardemo-tickets-*")
		if err != nil {
			return ev.Result{}, err
		}
		defer os.RemoveAll(dir)
		path, temp = filepath.Join(dir, "tickets.json"), true
	} else if abs, err := filepath.Abs(path); err == nil {
		path = abs // the file the buyers open, whatever their working directory
	}
	db := proc.OpenFileDB(path)
	if err := db.Write(stock{Tickets: nTickets}); err != nil {
		return ev.Result{}, err
	}
	env.Log("main", ev.Step, fmt.Sprintf("wrote {\"tickets\": %d} to %s", nTickets, path), "db", path, "temp", temp)
	if useLock {
		env.Phase(fmt.Sprintf("%s, %s, each holding a lock on %s while it buys",
			count(nBuyers, "buyer process"), count(nTickets, "ticket"), filepath.Base(db.LockPath())))
	} else {
		env.Phase(fmt.Sprintf("%s, %s, no lock", count(nBuyers, "buyer process"), count(nTickets, "ticket")))
	}

	// Start the buyers: real processes, copies of this program.
	args := buyerArgs{DB: path, Lock: useLock}
	members := make([]proc.Member, nBuyers)
	for i := range members {
		members[i] = proc.Member{Name: "buyer-" + strconv.Itoa(i+1), Args: args}
	}
	spawnAt := env.Now()
	g, err := env.Group(ctx, roleBuyer, members)
	if err != nil {
		return ev.Result{}, err
	}
	defer func() {
		// Whatever happened, every buyer is gone before we look at the
		// file, and what a killed writer left half-made is cleared away.
		g.Kill()
		db.CleanTemp(g.Pids()...)
	}()

	// A process takes milliseconds to start, and at a high --speed the
	// whole purchase is over in about as long, so the first buyer could be
	// done before the last one exists. Each buyer waits at a starting line
	// until all are up; only then does anyone hear "go".
	if err := g.Ready(ctx); err != nil {
		return ev.Result{}, err
	}
	startup := env.Now() - spawnAt
	env.Log("main", ev.Send, fmt.Sprintf("all %d buyers are up after %s: go!", nBuyers, ev.Dur(startup)), "startup_ms", ev.Ms(startup))
	if err := g.Release(); err != nil {
		return ev.Result{}, err
	}
	if err := g.Wait(ctx); err != nil {
		return ev.Result{}, err // demos.Stopped(ctx) if the run was stopped
	}

	// Count what happened, then ask the database what it believes.
	successes := 0
	var longestWait time.Duration
	buyers := g.Children()
	tb := ev.Table{Title: "buyers", Header: []string{"buyer", "pid", "saw", "read", "outcome", "wrote back", "lock wait"}}
	for _, c := range buyers {
		var p purchase
		if err := c.Result(&p); err != nil {
			return ev.Result{}, err
		}
		outcome, wrote, wait := "sold out", "—", "—"
		if p.Bought {
			successes++
			outcome, wrote = "bought", strconv.Itoa(p.Wrote)
		}
		if useLock {
			w := time.Duration(p.WaitedMs * float64(time.Millisecond))
			longestWait = max(longestWait, w)
			wait = ev.Dur(w)
		}
		tb.Rows = append(tb.Rows, []string{c.Name, strconv.Itoa(c.Pid), strconv.Itoa(p.Saw), strconv.Itoa(p.Read), outcome, wrote, wait})
	}
	var final stock
	readErr := db.Read(&final)
	dbValid := readErr == nil && final.Tickets >= 0 && final.Tickets <= nTickets
	if readErr != nil {
		env.Log("main", ev.Warn, "the database is unreadable: "+readErr.Error())
	} else {
		env.Log("main", ev.Recv, "the database now says "+count(final.Tickets, "ticket")+" left")
	}
	res := conclude(tally{tickets: nTickets, buyers: nBuyers, lock: useLock, successes: successes,
		left: final.Tickets, dbValid: dbValid, path: path, temp: temp, pids: g.Pids(), speed: env.Speed})
	res.Tables = []ev.Table{tb}
	res.Timing = []ev.Timing{{Label: "starting " + count(nBuyers, "buyer process"), D: startup}}
	if useLock {
		res.Timing = append(res.Timing, ev.Timing{Label: "longest wait for the lock", D: longestWait})
	}
	return res, nil
}

type tally struct {
	tickets, buyers int
	lock            bool
	successes, left int
	dbValid         bool
	path            string
	temp            bool
	pids            []int
	speed           float64
}

func conclude(t tally) ev.Result {
	sold := t.successes
	oversold := max(0, sold-t.tickets)
	// Sales the database forgot: it should say tickets-sold left (never
	// less than 0); every extra ticket it still lists was overwritten by a
	// buyer who read the count before another's write.
	lost := 0
	if t.dbValid {
		lost = t.left - max(0, t.tickets-sold)
	}
	db := t.path
	if t.temp {
		db = "" // gone with its temporary directory
	}
	res := ev.Result{
		Metrics: Metrics{Tickets: t.tickets, Buyers: t.buyers, Lock: t.lock, Sold: sold,
			Oversold: oversold, Successes: t.successes, Left: t.left, LostSales: lost,
			DBValid: t.dbValid, DB: db, Pids: t.pids},
	}
	want := min(t.tickets, t.buyers)
	switch {
	case !t.dbValid:
		res.Verdict = "the database was not left valid — a bug in this demo, please report it"
	case t.lock && oversold == 0 && sold == want && lost == 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("with the lock: %d of %s sold to %s, none oversold; the database agrees (%d left)",
			sold, count(t.tickets, "ticket"), count(t.buyers, "buyer"), t.left)
	case t.lock:
		res.Verdict = fmt.Sprintf("with the lock, %d sold of %d (expected %d), %d oversold — the lock did not serialise the buyers",
			sold, t.tickets, want, oversold)
	case oversold > 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("oversold: %d buyers were told they got one of %s — %s that never existed; the database says %d left",
			sold, count(t.tickets, "ticket"), count(oversold, "ticket"), t.left)
	case lost > 0:
		res.Observed = true
		res.Verdict = fmt.Sprintf("lost sales: %s sold, but the database says %d left instead of %d — buyers overwrote each other's count",
			count(sold, "ticket"), t.left, t.tickets-sold)
	case t.tickets == 0:
		res.Verdict = "no tickets to sell, so there was nothing to race for: the lesson did not show"
		res.Hint = "--tickets 1"
	default:
		res.Verdict = fmt.Sprintf("no lock, yet %d sold of %d and the count is right: the buyers did not overlap this run, so the lesson did not show", sold, t.tickets)
		res.Hint = "a lower --speed: at this speed a save lasts only " + ev.Dur(time.Duration(saveTime/t.speed*float64(time.Second)))
	}
	return res
}

// count says "1 ticket", "3 tickets".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	if strings.HasSuffix(thing, "s") {
		return fmt.Sprintf("%d %ses", n, thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
