// Package echo is scenario C4: a server that upper-cases every line it is
// sent, one goroutine per connection, and a crowd of clients talking to it
// at once — blocking-looking code on a handful of OS threads.
package echo

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"net"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/netlab"
)

//go:embed lesson.md
var lesson string

// maxLine bounds one request line. A client that sends a longer one is cut
// off: a server reading lines must refuse unbounded ones.
const maxLine = 4096

// maxRoundTrips bounds a run's total work (clients × rounds), so a typo
// cannot keep the machine busy for minutes: at the ~60,000 round trips a
// second of two cores this is about 15 seconds.
const maxRoundTrips = 1_000_000

// ioTimeout is the longest any client read or write may take. Replies on
// loopback take microseconds; this only keeps a broken server from hanging
// the run.
const ioTimeout = 10 * time.Second

// Options are the scenario's knobs.
type Options struct {
	Clients int // clients connected at the same time
	Rounds  int // messages each client sends
}

// Metrics are what the scenario measured.
type Metrics struct {
	Clients      int     `json:"clients"`           // clients, each on its own connection (--clients)
	Rounds       int     `json:"rounds"`            // messages each client sent (--rounds)
	RoundTrips   int64   `json:"round_trips"`       // replies received, every client counted; clients × rounds when nothing was lost
	WrongReplies int64   `json:"wrong_replies"`     // replies that were not the upper-cased request (0 unless the server is broken)
	ClientErrors int     `json:"client_errors"`     // clients that stopped on a network error before their last round
	FirstError   string  `json:"first_error"`       // the first such error, "" when none
	WallMs       float64 `json:"wall_ms"`           // from the start line to the last client's last reply
	PerSecond    float64 `json:"round_trips_per_s"` // round_trips ÷ wall_ms: the server's throughput
	P50Us        float64 `json:"p50_us"`            // median round-trip time, microseconds
	P99Us        float64 `json:"p99_us"`            // 99th-percentile round-trip time, microseconds
	MaxUs        float64 `json:"max_us"`            // slowest round trip, microseconds
	PeakConns    int     `json:"peak_connections"`  // most connections the server had open at once
	Handlers     int     `json:"handlers"`          // goroutines the server started: one per accepted connection
	HandlersLeft int     `json:"handlers_left"`     // handler goroutines still running after the server closed (want 0)
	Goroutines   int     `json:"goroutines"`        // goroutines in the process with every client connected (runtime.NumGoroutine)
	OSThreads    int     `json:"os_threads"`        // OS threads the Go runtime had created by the end (the whole process)
	GOMAXPROCS   int     `json:"gomaxprocs"`        // threads that may run Go code at once (runtime.GOMAXPROCS)
	Dials        int     `json:"dials"`             // connections the clients dialled, as the lab's guard saw them
	OffMachine   int     `json:"off_machine_dials"` // dials to an address that is not loopback (refused; want 0)
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "echo", ID: "C4",
		// Nothing here has a story time: at its own speed of 1 the stamps
		// are real seconds (a --speed given still scales them).
		Speed:  1,
		Title:  "One goroutine per connection: blocking-looking code, a crowd of clients, a few threads",
		Python: "gevent.monkey.patch_all() + socket server with gevent.spawn per connection",
		Go:     "net.Listener.Accept + go handle(conn); the runtime's network poller parks blocked goroutines",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.Clients, "clients", "clients connected at the same time", 100, 1, 1000)
			k.Int(&o.Rounds, "rounds", "messages each client sends, its counter rising by one each time", 1000, 1, 10_000)
		},
		Check: func(o *Options, _ *demos.Knobs) error {
			if n := o.Clients * o.Rounds; n > maxRoundTrips {
				return fmt.Errorf("--clients %d × --rounds %d is %s round trips; at most %s are allowed",
					o.Clients, o.Rounds, ev.Int(n), ev.Int(maxRoundTrips))
			}
			return nil
		},
		Explain:  lesson,
		Lesson:   []string{"demos/echo/echo.go"},
		Run:      run,
		Quiz:     quiz,
		Outcomes: outcomes,
	}.Demo()
}

// ---- The server: the whole lesson is in serve and handle. ----

// server counts its connections so the lesson can show how many were open
// at once, and keeps them so that close can end every one.
type server struct {
	ln       net.Listener
	accepted chan struct{} // one token per accepted connection, for the start line
	stopped  chan struct{} // closed when serve returns
	err      error         // why serve returned, if not because of close (read after stopped)
	handlers sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	peak  int
	total int
}

func newServer(ln net.Listener, expect int) *server {
	return &server{ln: ln, accepted: make(chan struct{}, expect), stopped: make(chan struct{}), conns: map[net.Conn]struct{}{}}
}

// serve accepts connections until the listener is closed and gives each
// its own goroutine. That is the whole concurrency design: no event loop,
// no callbacks, no thread pool.
func (s *server) serve() {
	defer close(s.stopped)
	for {
		conn, err := s.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return // the listener was closed: the server is shutting down
		}
		if err != nil {
			s.err = err // out of file descriptors, say: the run reports it
			return
		}
		s.add(conn)
		s.handlers.Go(func() {
			defer s.remove(conn)
			handle(conn)
		})
	}
}

// handle serves one connection: read a line, send it back upper-cased,
// until the client hangs up. Read blocks this goroutine only; the runtime
// parks it on the network poller (epoll, kqueue, IOCP) and runs another
// goroutine on the thread meanwhile.
func handle(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReaderSize(conn, maxLine)
	for {
		line, err := r.ReadSlice('\n') // TCP is a byte stream: the newline marks where a message ends
		if err != nil {
			return // io.EOF: the client hung up; or a line longer than maxLine, or the server closing
		}
		if _, err := conn.Write(bytes.ToUpper(line)); err != nil {
			return
		}
	}
}

func (s *server) add(conn net.Conn) {
	s.mu.Lock()
	s.conns[conn] = struct{}{}
	s.total++
	s.peak = max(s.peak, len(s.conns))
	s.mu.Unlock()
	select {
	case s.accepted <- struct{}{}:
	default: // more connections than announced: nobody is counting them
	}
}

func (s *server) remove(conn net.Conn) {
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
}

// close stops accepting, ends every connection still open and waits for
// the handlers, up to a grace period; it reports how many had not
// returned by then (0 unless a handler is stuck).
func (s *server) close(grace time.Duration) (left int) {
	s.ln.Close()
	<-s.stopped // no handler starts after this
	s.mu.Lock()
	for c := range s.conns {
		c.Close() // its handler's Read fails and the handler returns
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.handlers.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-time.After(grace):
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.conns)
	}
}

// report hands f the server's counts while holding the lock that guards
// them, so a line that shows them is emitted while they are still true.
func (s *server) report(f func(open, peak, total int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(len(s.conns), s.peak, s.total)
}

// ---- A client: the cookbook's rising counter, with words to upper-case. ----

// request is what client id sends in round i. The cookbook sent bare
// digits, which upper-casing leaves alone — an echo server would pass its
// test. Letters make the upper-casing visible and checkable.
func request(buf []byte, id, i int) []byte {
	buf = append(buf[:0], "count "...)
	buf = strconv.AppendInt(buf, int64(id+i+1), 10) // client id counts up from id, as in the cookbook
	buf = append(buf, " from client-"...)
	buf = strconv.AppendInt(buf, int64(id), 10)
	return append(buf, '\n')
}

// wantReply is the reply the server owes for request(id, i), written out
// independently of the server's bytes.ToUpper.
func wantReply(buf []byte, id, i int) []byte {
	buf = append(buf[:0], "COUNT "...)
	buf = strconv.AppendInt(buf, int64(id+i+1), 10)
	buf = append(buf, " FROM CLIENT-"...)
	buf = strconv.AppendInt(buf, int64(id), 10)
	return append(buf, '\n')
}

// clientRun is what one client measured.
type clientRun struct {
	replies int64
	wrong   int64
	rtt     []time.Duration // one per round trip that completed
	err     error
}

// talk sends rounds requests on conn, one at a time, each waiting for its
// reply, and times every round trip. progress is added to every 100
// replies, for the progress line. first, when not nil, is told about the
// first exchange (a few clients show theirs).
func talk(conn net.Conn, id, rounds int, progress *atomic.Int64, first func(req, reply string)) clientRun {
	c := clientRun{rtt: make([]time.Duration, 0, rounds)}
	r := bufio.NewReaderSize(conn, maxLine)
	var req, want []byte
	for i := range rounds {
		req, want = request(req, id, i), wantReply(want, id, i)
		if err := conn.SetDeadline(time.Now().Add(ioTimeout)); err != nil {
			c.err = err
			return c
		}
		t0 := time.Now()
		if _, err := conn.Write(req); err != nil {
			c.err = err
			return c
		}
		reply, err := r.ReadSlice('\n')
		if err != nil {
			c.err = err
			return c
		}
		c.rtt = append(c.rtt, time.Since(t0))
		c.replies++
		if !bytes.Equal(reply, want) {
			c.wrong++
		}
		if i == 0 && first != nil {
			first(string(bytes.TrimSpace(req)), string(bytes.TrimSpace(reply)))
		}
		if c.replies%100 == 0 {
			progress.Add(100)
		}
	}
	progress.Add(c.replies % 100)
	return c
}

// ---- The run. ----

// shownClients is how many clients print their first exchange.
const shownClients = 3

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	lab := netlab.New()
	defer lab.Close() // closes the listener on every path
	ln, err := lab.Listen()
	if err != nil {
		return ev.Result{}, err
	}
	srv := newServer(ln, o.Clients)
	go srv.serve()
	defer srv.close(time.Second)

	env.Phase("a server on " + ln.Addr().String() + ": one goroutine per connection")
	env.Log("server", ev.Start, "listening on "+ln.Addr().String()+" (loopback, a port the kernel picked)")

	// Connect every client first, and let none talk until the server has
	// accepted them all: then all of them are open at once, for certain.
	env.Log("main", ev.Step, fmt.Sprintf("connects %s clients; none talks until the server has accepted all of them", ev.Int(o.Clients)))
	conns := make([]net.Conn, 0, o.Clients)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range o.Clients {
		c, err := lab.DialContext(ctx, "tcp", ln.Addr().String())
		if err != nil {
			if ctx.Err() != nil {
				return ev.Result{}, demos.Stopped(ctx)
			}
			return ev.Result{}, fmt.Errorf("client %d could not connect: %w", len(conns), err)
		}
		conns = append(conns, c)
	}
	for range o.Clients {
		select {
		case <-srv.accepted:
		case <-srv.stopped:
			return ev.Result{}, fmt.Errorf("the server stopped accepting connections: %w", srv.err)
		case <-ctx.Done():
			return ev.Result{}, demos.Stopped(ctx)
		}
	}
	goroutines := runtime.NumGoroutine()
	threads := pprof.Lookup("threadcreate").Count()
	srv.report(func(open, _, _ int) {
		env.Log("server", ev.Note, fmt.Sprintf("%s connections open, each with its own handler goroutine blocked in Read: %s goroutines in all, on %s OS threads so far",
			ev.Int(open), ev.Int(goroutines), ev.Int(threads)), "open", open, "goroutines", goroutines, "threads", threads)
	})

	total := int64(o.Clients) * int64(o.Rounds)
	env.Phase(fmt.Sprintf("%s clients × %s round trips each, all at once", ev.Int(o.Clients), ev.Int(o.Rounds)))
	var progress atomic.Int64
	runs := make([]clientRun, o.Clients)
	var wg sync.WaitGroup
	start := env.Now()
	for id, conn := range conns {
		// Ctrl-C closes the connection, which ends the client's blocked Read.
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		var first func(req, reply string)
		if id < shownClients {
			name := fmt.Sprintf("client-%d", id)
			first = func(req, reply string) {
				env.Log(name, ev.Recv, fmt.Sprintf("sent %q, got %q", req, reply), "request", req, "reply", reply)
			}
		}
		wg.Go(func() {
			defer stop()
			runs[id] = talk(conn, id, o.Rounds, &progress, first)
			conn.Close() // hang up: the server's handler reads EOF and returns
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	report := time.NewTicker(250 * time.Millisecond)
	defer report.Stop()
wait:
	for {
		select {
		case <-finished:
			break wait
		case <-report.C:
			n := progress.Load()
			env.Log("main", ev.Step, fmt.Sprintf("%s of %s round trips", ev.Int(n), ev.Int(total)),
				ev.AttrDone, n, ev.AttrTotal, total, ev.AttrProgress, "round trips")
		}
	}
	wall := env.Now() - start
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	env.Log("main", ev.Done, fmt.Sprintf("all %s clients done after %s", ev.Int(o.Clients), ev.Dur(wall)))

	m := measure(o, runs, wall)
	m.Goroutines = goroutines
	m.HandlersLeft = srv.close(time.Second)
	m.OSThreads = pprof.Lookup("threadcreate").Count()
	m.GOMAXPROCS = runtime.GOMAXPROCS(0)
	m.Dials, m.OffMachine = len(lab.Dials()), lab.OffMachine()
	srv.report(func(_, peak, total int) {
		m.PeakConns, m.Handlers = peak, total
		env.Log("server", ev.Done, fmt.Sprintf("closed: served %s connections, at most %s at once; %d handler(s) still running",
			ev.Int(total), ev.Int(peak), m.HandlersLeft))
	})
	return conclude(m, wall), nil
}

// measure adds up what the clients measured.
func measure(o *Options, runs []clientRun, wall time.Duration) Metrics {
	m := Metrics{Clients: o.Clients, Rounds: o.Rounds, WallMs: ev.Ms(wall)}
	var all []time.Duration
	for _, c := range runs {
		m.RoundTrips += c.replies
		m.WrongReplies += c.wrong
		all = append(all, c.rtt...)
		if c.err != nil {
			m.ClientErrors++
			if m.FirstError == "" {
				m.FirstError = c.err.Error()
			}
		}
	}
	if wall > 0 {
		m.PerSecond = math.Round(float64(m.RoundTrips) / wall.Seconds())
	}
	if len(all) > 0 {
		slices.Sort(all)
		us := func(d time.Duration) float64 { return float64(d.Nanoseconds()/10) / 100 }
		m.P50Us = us(all[len(all)/2])
		m.P99Us = us(all[min(len(all)-1, len(all)*99/100)])
		m.MaxUs = us(all[len(all)-1])
	}
	return m
}

// ---- The verdict. ----

// conclude checks every claim of the lesson against what was measured:
// every request got exactly one reply and it was the request upper-cased;
// all clients were connected at once, each with its own handler goroutine;
// nothing was left running or open; nothing left the machine; and the
// goroutines ran on fewer OS threads than there were connections.
func conclude(m Metrics, wall time.Duration) ev.Result {
	want := int64(m.Clients) * int64(m.Rounds)
	res := ev.Result{
		Metrics: m,
		Timing:  []ev.Timing{{Label: fmt.Sprintf("%s round trips", ev.Int(m.RoundTrips)), D: wall}},
		Tables: []ev.Table{{Title: "echo", Header: []string{"measure", "value"}, Rows: [][]string{
			{"round trips", ev.Int(m.RoundTrips) + " of " + ev.Int(want)},
			{"wrong replies", ev.Int(m.WrongReplies)},
			{"throughput", ev.Int(int64(m.PerSecond)) + " round trips/s"},
			{"round trip p50 / p99 / max", usDur(m.P50Us) + " / " + usDur(m.P99Us) + " / " + usDur(m.MaxUs)},
			{"connections open at once", ev.Int(m.PeakConns)},
			{"handler goroutines", ev.Int(m.Handlers)},
			{"goroutines with all connected", ev.Int(m.Goroutines)},
			{"OS threads (whole process)", ev.Int(m.OSThreads)},
			{"GOMAXPROCS", ev.Int(m.GOMAXPROCS)},
		}}},
	}
	served := fmt.Sprintf("%s clients × %s rounds", ev.Int(m.Clients), ev.Int(m.Rounds))
	switch {
	case m.OffMachine > 0:
		res.Verdict = fmt.Sprintf("%d dial(s) went for an address off this machine (refused): the lab's network is broken", m.OffMachine)
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case m.ClientErrors > 0 || m.RoundTrips != want:
		res.Verdict = fmt.Sprintf("%s of %s round trips completed; %d client(s) failed, first: %s", ev.Int(m.RoundTrips), ev.Int(want), m.ClientErrors, m.FirstError)
		res.Hint = "fewer --clients, or a less busy machine"
	case m.WrongReplies > 0:
		res.Verdict = fmt.Sprintf("%s of %s replies were not the upper-cased request", ev.Int(m.WrongReplies), ev.Int(m.RoundTrips))
		res.Hint = "another run, and report a bug in pardemo if it repeats"
	case m.PeakConns != m.Clients || m.Handlers != m.Clients:
		res.Verdict = fmt.Sprintf("the server saw %s connections, at most %s at once, for %s clients", ev.Int(m.Handlers), ev.Int(m.PeakConns), ev.Int(m.Clients))
		res.Hint = "another run, and report a bug in pardemo if it repeats: every client connects before any talks"
	case m.HandlersLeft > 0:
		res.Verdict = fmt.Sprintf("%d handler goroutine(s) were still running after the server closed", m.HandlersLeft)
		res.Hint = "another run, and report a bug in pardemo if it repeats: closing the server must end every connection"
	case m.OSThreads >= m.PeakConns:
		res.Verdict = fmt.Sprintf("%s: every reply was the upper-cased request, but %s connection(s) are too few to outnumber the %s OS threads",
			served, ev.Int(m.PeakConns), ev.Int(m.OSThreads))
		res.Hint = "--clients 100"
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("%s: all %s replies were the upper-cased request; %s connections open at once, one goroutine each, on %s OS threads; %s round trips/s, p50 %s, p99 %s",
			served, ev.Int(m.RoundTrips), ev.Int(m.PeakConns), ev.Int(m.OSThreads), ev.Int(int64(m.PerSecond)), usDur(m.P50Us), usDur(m.P99Us))
		res.Short = fmt.Sprintf("%s conns on %s threads, %s round trips/s", ev.Int(m.PeakConns), ev.Int(m.OSThreads), ev.Int(int64(m.PerSecond)))
	}
	return res
}

// usDur shows microseconds as a duration: "822µs", "14.7ms".
func usDur(us float64) string { return ev.Dur(time.Duration(us * float64(time.Microsecond))) }

// outcomes are the results a run can end with, for `pardemo verify`.
var outcomes = []demos.Outcome[Options, Metrics]{
	{Name: "off machine", Class: demos.Forbidden, Desc: "a client dialled an address that is not loopback",
		When: func(_ *Options, m Metrics) bool { return m.OffMachine > 0 }},
	{Name: "wrong reply", Class: demos.Forbidden, Desc: "a reply was not the upper-cased request",
		When: func(_ *Options, m Metrics) bool { return m.WrongReplies > 0 }},
	{Name: "lost round trips", Class: demos.Forbidden, Desc: "a client failed before its last round trip",
		When: func(_ *Options, m Metrics) bool {
			return m.ClientErrors > 0 || m.RoundTrips != int64(m.Clients)*int64(m.Rounds)
		}},
	{Name: "not all at once", Class: demos.Forbidden, Desc: "the server never had every client connected at the same time",
		When: func(_ *Options, m Metrics) bool { return m.PeakConns != m.Clients || m.Handlers != m.Clients }},
	{Name: "handler leak", Class: demos.Forbidden, Desc: "a handler goroutine outlived the server",
		When: func(_ *Options, m Metrics) bool { return m.HandlersLeft > 0 }},
	{Name: "few connections", Class: demos.Acceptable, Desc: "all correct, but no more connections than OS threads",
		When: func(_ *Options, m Metrics) bool { return m.OSThreads >= m.PeakConns }},
	{Name: "many on few threads", Class: demos.Interesting, Desc: "all correct; more connections than OS threads",
		When: func(_ *Options, m Metrics) bool { return true }},
}
