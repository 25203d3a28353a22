// Package tickets is scenario I4: buyer processes sell tickets from a JSON
// file, and oversell it unless a file lock guards the read-modify-write.
package tickets

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed tickets.go
var source embed.FS

//go:embed lesson.md
var lesson string

// The cookbook's pacing, in story seconds.
const (
	lookTime  = 0.1 // after reading the count, before buying
	thinkTime = 0.1 // between reading the count and deciding
	saveTime  = 2.0 // between deciding and writing the new count back
)

const roleBuyer = "tickets/buyer"

// New returns the scenario.
func New() demos.Demo {
	return demos.Demo{
		Name: "tickets", ID: "I4", Chapter: 5,
		Title:  "Buyer processes share a file database: without a file lock they oversell it",
		Python: "multiprocessing.Lock / fcntl.flock", Go: "an advisory file lock (gofrs/flock) on a separate .lock file",
		Params: []demos.Param{
			demos.Bool("lock", "hold a file lock across each buyer's read-modify-write"),
			demos.Int("tickets", "tickets in the database at the start", 1, 0, 1_000),
			demos.Int("buyers", "buyer processes", 3, 1, 32),
			demos.Path("db", "the database file, created or overwritten and left in place (default: a temporary file, removed afterwards)"),
		},
		Check:    checkDB,
		Metrics:  []string{"tickets", "buyers", "lock", "sold", "oversold", "successes", "left", "lost_sales", "db_valid", "db", "pids"},
		Explain:  lesson,
		Source:   source,
		Run:      run,
		Children: map[string]demos.ChildRole{roleBuyer: buyer},
	}
}

// checkDB turns a --db that cannot work into a usage error before any
// process starts: its directory must exist, and it must not be a directory.
func checkDB(v *demos.Values) error {
	path := v.String("db")
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--db %s is a directory; name a file in it, like %s", path, filepath.Join(path, "tickets.json"))
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--db %s: the directory %s does not exist", path, dir)
	}
	return nil
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

// The two messages a buyer answers: "ready" proves it is up, "go" starts
// the purchase. See run for why buyers wait at a starting line.
const (
	msgReady = "ready"
	msgGo    = "go"
)

// buyer is the body of each child process. It answers "ready" at once and
// buys on "go".
func buyer(ctx context.Context, self *proc.Self) error {
	var a buyerArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	db := proc.OpenFileDB(a.DB)
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var msg string
		if err := json.Unmarshal(raw, &msg); err != nil {
			return nil, err
		}
		if msg != msgGo {
			return msgReady, nil
		}
		return buy(ctx, self, db, a.Lock)
	})
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
		self.Log(ev.Wait, "waits for the lock on "+filepath.Base(l.Path()))
		t0 := self.Now()
		if err := l.Lock(ctx); err != nil {
			return p, err
		}
		// If the process dies while holding it, the kernel drops the lock.
		waited := self.Now() - t0
		p.WaitedMs = ev.Ms(waited)
		self.Log(ev.Acquire, "holds the lock (waited "+ev.Dur(waited)+")", "waited_ms", p.WaitedMs)
		release = func() {
			// Said before unlocking, so on the shared clock it comes
			// before the next holder's "holds the lock".
			self.Log(ev.Release, "releases the lock")
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
			Tone: ev.ToneGreen, Attrs: map[string]any{"wrote": p.Wrote}})
	} else {
		self.Emit(ev.Event{Kind: ev.Done, Msg: "sold out: goes home without a ticket", Tone: ev.ToneRed})
	}
	return p, nil
}

// readModifyWrite reads the count, decides, and writes the new count back.
func readModifyWrite(ctx context.Context, self *proc.Self, db proc.FileDB, p *purchase) error {
	var s stock
	if err := db.Read(&s); err != nil {
		return err
	}
	p.Read = s.Tickets
	self.Logf(ev.Step, "reads %d left", s.Tickets)
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

func run(ctx context.Context, env *demos.Env) (ev.Result, error) {
	nTickets, nBuyers, useLock := env.Int("tickets"), env.Int("buyers"), env.Bool("lock")

	// The database: the user's file, or one in a temporary directory that
	// goes away on every path out of here, Ctrl-C included.
	path, temp := env.String("db"), false
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
	buyers := make([]*proc.Child, 0, nBuyers)
	defer func() {
		// Whatever happened, every buyer is gone before we look at the
		// file, and what a killed writer left half-made is cleared away.
		var pids []int
		for _, c := range buyers {
			c.Kill()
			<-c.Done()
			pids = append(pids, c.Pid)
		}
		db.CleanTemp(pids...)
	}()
	args := buyerArgs{DB: path, Lock: useLock}
	spawnAt := env.Now()
	for i := range nBuyers {
		c, err := env.Spawn(ctx, roleBuyer, "buyer-"+strconv.Itoa(i+1), args)
		if err != nil {
			return ev.Result{}, err
		}
		buyers = append(buyers, c)
	}

	// A process takes milliseconds to start, and at a high --speed the
	// whole purchase is over in about as long, so the first buyer could be
	// done before the last one exists. Each buyer answers "ready" when it
	// is up; only when all have does anyone hear "go".
	outcomes := make([]purchase, nBuyers)
	errs := make([]error, nBuyers)
	var ready, finished sync.WaitGroup
	ready.Add(nBuyers)
	start := make(chan struct{})
	for i, c := range buyers {
		finished.Go(func() {
			err := c.Call(ctx, 1, msgReady, nil)
			ready.Done()
			if err == nil {
				select {
				case <-start:
					err = c.Call(ctx, 2, msgGo, &outcomes[i])
				case <-ctx.Done():
					err = context.Cause(ctx)
				}
			}
			c.CloseInput() // the buyer's work is over: it exits
			if werr := c.WaitCtx(ctx); err == nil {
				err = werr
			}
			errs[i] = err
		})
	}
	ready.Wait()
	startup := env.Now() - spawnAt
	env.Log("main", ev.Send, fmt.Sprintf("all %d buyers are up after %s: go!", nBuyers, ev.Dur(startup)), "startup_ms", ev.Ms(startup))
	close(start)
	allDone := make(chan struct{})
	go func() { finished.Wait(); close(allDone) }()
	waitWhileBuying(ctx, env, allDone)
	<-allDone
	if ctx.Err() != nil {
		return ev.Result{}, context.Cause(ctx)
	}
	if err := errors.Join(errs...); err != nil {
		return ev.Result{}, err
	}

	// Count what happened, then ask the database what it believes.
	successes := 0
	var longestWait time.Duration
	pids := make([]int, nBuyers)
	tb := ev.Table{Title: "buyers", Header: []string{"buyer", "pid", "saw", "read", "outcome", "wrote back", "lock wait"}}
	for i, p := range outcomes {
		pids[i] = buyers[i].Pid
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
		tb.Rows = append(tb.Rows, []string{buyers[i].Name, strconv.Itoa(buyers[i].Pid), strconv.Itoa(p.Saw), strconv.Itoa(p.Read), outcome, wrote, wait})
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
		left: final.Tickets, dbValid: dbValid, path: path, temp: temp, pids: pids, speed: env.Speed})
	res.Tables = []ev.Table{tb}
	res.Timing = []ev.Timing{{Label: "starting " + count(nBuyers, "buyer process"), D: startup}}
	if useLock {
		res.Timing = append(res.Timing, ev.Timing{Label: "longest wait for the lock", D: longestWait})
	}
	return res, nil
}

// waitWhileBuying waits until done is closed or ctx ends. It waits in short
// story-time naps: the buyers are quiet for up to 2 story-seconds at a
// time, by design, and a napping parent tells the watchdog so.
func waitWhileBuying(ctx context.Context, env *demos.Env, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		default:
		}
		if env.Sleep(ctx, 0.05) != nil {
			return
		}
	}
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
		Metrics: map[string]any{"tickets": t.tickets, "buyers": t.buyers, "lock": t.lock, "sold": sold,
			"oversold": oversold, "successes": t.successes, "left": t.left, "lost_sales": lost,
			"db_valid": t.dbValid, "db": db, "pids": t.pids},
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
