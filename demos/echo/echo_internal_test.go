package echo

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/netlab"
)

// good is a run in which everything the lesson claims held.
func good() Metrics {
	return Metrics{Clients: 100, Rounds: 1000, RoundTrips: 100_000, WallMs: 1500, PerSecond: 66_000,
		P50Us: 1200, P99Us: 4000, MaxUs: 9000, PeakConns: 100, Handlers: 100, Goroutines: 104,
		OSThreads: 6, GOMAXPROCS: 2, Dials: 100}
}

// Each broken claim fails the verdict, for its own reason; the declared
// outcome agrees.
func TestVerdictFailsOnEveryBrokenClaim(t *testing.T) {
	res := conclude(good(), 1500*time.Millisecond)
	if !res.Observed || !strings.Contains(res.Verdict, "all 100,000 replies were the upper-cased request") {
		t.Fatalf("good run: %v %s", res.Observed, res.Verdict)
	}
	for _, tc := range []struct {
		name    string
		break_  func(m *Metrics)
		says    string
		outcome string
	}{
		{"a wrong reply", func(m *Metrics) { m.WrongReplies = 1 }, "1 of 100,000 replies were not the upper-cased request", "wrong reply"},
		{"a lost round trip", func(m *Metrics) { m.RoundTrips--; m.ClientErrors = 1; m.FirstError = "read: connection reset" }, "99,999 of 100,000 round trips", "lost round trips"},
		{"not all at once", func(m *Metrics) { m.PeakConns = 99 }, "at most 99 at once", "not all at once"},
		{"a stuck handler", func(m *Metrics) { m.HandlersLeft = 2 }, "2 handler goroutine(s) were still running", "handler leak"},
		{"a dial off the machine", func(m *Metrics) { m.OffMachine = 1 }, "off this machine", "off machine"},
		{"too few connections", func(m *Metrics) { m.Clients, m.Rounds, m.RoundTrips, m.PeakConns, m.Handlers = 4, 10, 40, 4, 4 }, "too few to outnumber the 6 OS threads", "few connections"},
	} {
		m := good()
		tc.break_(&m)
		res := conclude(m, time.Second)
		if res.Observed || !strings.Contains(res.Verdict, tc.says) || res.Hint == "" {
			t.Errorf("%s: observed %v: %s — %s", tc.name, res.Observed, res.Verdict, res.Hint)
		}
		if got := classify(m); got != tc.outcome {
			t.Errorf("%s: outcome %q, want %q", tc.name, got, tc.outcome)
		}
	}
	if got := classify(good()); got != "many on few threads" {
		t.Errorf("good run: outcome %q", got)
	}
}

func classify(m Metrics) string {
	for _, o := range outcomes {
		if o.When(&Options{}, m) {
			return o.Name
		}
	}
	return ""
}

// A server that only echoes (the cookbook's digits would not notice) is
// caught by the client's check.
func TestClientCatchesAnEchoServer(t *testing.T) {
	lab := netlab.New()
	defer lab.Close()
	ln, err := lab.Listen()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			conn.Write(line) // forgot to upper-case
		}
	})
	conn, err := lab.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var progress atomic.Int64
	c := talk(conn, 7, 5, &progress, nil)
	conn.Close()
	if c.err != nil || c.replies != 5 || c.wrong != 5 || progress.Load() != 5 {
		t.Errorf("replies %d, wrong %d, progress %d, err %v", c.replies, c.wrong, progress.Load(), c.err)
	}
	if got := string(request(nil, 7, 0)); got != "count 8 from client-7\n" {
		t.Errorf("request %q", got)
	}
}

// The benchmarks behind the lesson's throughput figure, both with 100
// clients on loopback, each waiting for its reply before the next request:
//
//	go test -run '^$' -bench . -benchtime 200000x ./demos/echo/
//
// BareEcho is the least a goroutine-per-connection server can do (read
// into a buffer, write it back); DemoPath is this scenario's own server
// and clients (line framing, upper-casing, the reply check, a timestamp
// per round trip). Compare their round-trips/s.

const benchClients = 100

func BenchmarkBareEcho(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var handlers sync.WaitGroup
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			handlers.Go(func() {
				defer conn.Close()
				buf := make([]byte, 512)
				for {
					n, err := conn.Read(buf)
					if err != nil {
						return
					}
					if _, err := conn.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	}()
	conns := dialAll(b, ln.Addr().String())
	msg := []byte("count 12345 from client-42\n")
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, conn := range conns {
		n := share(b.N, i)
		wg.Go(func() {
			buf := make([]byte, 512)
			for range n {
				if _, err := conn.Write(msg); err != nil {
					b.Error(err)
					return
				}
				for got := 0; got < len(msg); {
					k, err := conn.Read(buf)
					if err != nil {
						b.Error(err)
						return
					}
					got += k
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
	for _, c := range conns {
		c.Close()
	}
	ln.Close()
	handlers.Wait()
}

func BenchmarkDemoPath(b *testing.B) {
	lab := netlab.New()
	defer lab.Close()
	ln, err := lab.Listen()
	if err != nil {
		b.Fatal(err)
	}
	srv := newServer(ln, benchClients)
	go srv.serve()
	conns := dialAll(b, ln.Addr().String())
	var progress atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	runs := make([]clientRun, len(conns))
	for i, conn := range conns {
		n := share(b.N, i)
		wg.Go(func() { runs[i] = talk(conn, i, n, &progress, nil) })
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
	for _, c := range conns {
		c.Close()
	}
	m := measure(&Options{Clients: benchClients}, runs, b.Elapsed())
	if m.WrongReplies != 0 || m.ClientErrors != 0 || m.RoundTrips != int64(b.N) {
		b.Errorf("measured %+v", m)
	}
	srv.close(time.Second)
}

func dialAll(b *testing.B, addr string) []net.Conn {
	conns := make([]net.Conn, benchClients)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
	}
	return conns
}

// share is client i's part of n round trips.
func share(n, i int) int {
	q := n / benchClients
	if i < n%benchClients {
		q++
	}
	return q
}
