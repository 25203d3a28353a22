// Package netlab is the network the lessons run on: servers listening on
// 127.0.0.1 at a port the kernel picks, host names that resolve only inside
// the lab, and a guard on every dial that lets only loopback addresses
// through. A lesson can name www.cnn.com and a made-up domain and still
// never send a packet off the machine.
//
// A Lab is made, used and closed by one run:
//
//	lab := netlab.New()
//	defer lab.Close()               // closes every server and client it made
//	addr, _ := lab.Serve(handler)   // an HTTP server on 127.0.0.1:port
//	lab.Host("www.cnn.com", addr)   // the name now points at it
//	resp, err := lab.Client().Get("http://www.cnn.com/")
//
// A name the lab was not told about fails as an unknown host fails on the
// internet: a *net.DNSError with IsNotFound set, and nothing dialled.
package netlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"syscall"
	"time"
)

// Dial is one connection attempt as the guard saw it: the address the
// socket was about to connect to, after any name was resolved.
type Dial struct {
	Network string `json:"network"` // "tcp4", "tcp6"
	Address string `json:"address"` // "127.0.0.1:41234"
	Allowed bool   `json:"allowed"` // loopback, so let through
}

// ErrOffMachine is why the guard refuses a dial: the address is not a
// loopback address.
var ErrOffMachine = errors.New("netlab: refused to dial an address off this machine")

// Lab is one run's private network. Its methods are safe for concurrent
// use. The zero value is not usable; call New.
type Lab struct {
	dialer net.Dialer

	mu        sync.Mutex
	hosts     map[string]string // host name → "127.0.0.1:port"
	dials     []Dial
	listeners []net.Listener
	servers   []*http.Server
	clients   []*http.Transport
	closed    bool

	handlers int           // HTTP handlers running
	idle     chan struct{} // closed when handlers drops to 0 while Close waits

	serving sync.WaitGroup // Serve loops still running
}

// New returns an empty lab: no servers, no names.
func New() *Lab {
	l := &Lab{hosts: map[string]string{}}
	l.dialer = net.Dialer{Timeout: 5 * time.Second, Control: l.guard}
	return l
}

// guard runs for every socket the lab's dialer opens, after the name is
// resolved and before the connection is attempted: the last moment at
// which a connection can still be refused without any packet leaving.
func (l *Lab) guard(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	ok := err == nil && ap.Addr().IsLoopback()
	l.mu.Lock()
	l.dials = append(l.dials, Dial{Network: network, Address: address, Allowed: ok})
	l.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrOffMachine, address)
	}
	return nil
}

// Listen opens a TCP listener on 127.0.0.1 at a free port. The lab closes
// it in Close, whoever else closes it first.
func (l *Lab) Listen() (net.Listener, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, net.ErrClosed
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l.listeners = append(l.listeners, ln)
	return ln, nil
}

// Serve starts an HTTP server for h on a fresh loopback listener and
// returns its address. Handlers should return when their request's
// context ends: Close cancels it and waits for them.
func (l *Lab) Serve(h http.Handler) (string, error) {
	ln, err := l.Listen()
	if err != nil {
		return "", err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !l.enter() {
				http.Error(w, "netlab: closing", http.StatusServiceUnavailable)
				return
			}
			defer l.leave()
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		// The server's own complaints (a client that hung up mid-request)
		// would land on stderr, outside the run's one event path.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return "", net.ErrClosed
	}
	l.servers = append(l.servers, srv)
	l.serving.Add(1)
	l.mu.Unlock()
	go func() {
		defer l.serving.Done()
		_ = srv.Serve(ln) // http.ErrServerClosed once Close runs
	}()
	return ln.Addr().String(), nil
}

// enter counts a handler in, unless the lab is closing.
func (l *Lab) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.handlers++
	return true
}

// leave counts a handler out, and tells a waiting Close when it was the last.
func (l *Lab) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers--
	if l.handlers == 0 && l.idle != nil {
		close(l.idle)
		l.idle = nil
	}
}

// Host points name (no port: "www.cnn.com") at addr, a lab server's
// address. Every port of the name reaches that server.
func (l *Lab) Host(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hosts[name] = addr
}

// lookup is the lab's resolver: a name it was given, or an IP literal as
// it is. Any other name does not exist, as far as the lab is concerned,
// and is reported exactly as the system resolver reports an unknown host.
func (l *Lab) lookup(host, port string) (string, error) {
	if _, err := netip.ParseAddr(host); err == nil {
		return net.JoinHostPort(host, port), nil
	}
	l.mu.Lock()
	addr, ok := l.hosts[host]
	l.mu.Unlock()
	if !ok {
		return "", &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return addr, nil
}

// DialContext connects as net.Dialer.DialContext does, but resolves names
// with the lab's table and lets the guard check the address. Its errors
// read like the standard library's: "dial tcp: lookup x: no such host".
func (l *Lab) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	target, err := l.lookup(host, port)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	return l.dialer.DialContext(ctx, network, target)
}

// Client returns an HTTP client whose every connection goes through
// DialContext. It ignores HTTP_PROXY and friends (a proxy would be a way
// off the machine) and has no overall timeout: give each request a
// context with its deadline. Close closes its idle connections.
func (l *Lab) Client() *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         l.DialContext,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     30 * time.Second,
	}
	l.mu.Lock()
	l.clients = append(l.clients, tr)
	l.mu.Unlock()
	return &http.Client{Transport: tr}
}

// Dials lists every connection attempt the guard saw, in order.
func (l *Lab) Dials() []Dial {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.dials)
}

// OffMachine counts the dials the guard refused.
func (l *Lab) OffMachine() int {
	n := 0
	for _, d := range l.Dials() {
		if !d.Allowed {
			n++
		}
	}
	return n
}

// Close shuts the lab down: it closes the clients' idle connections, every
// server and its connections, and every listener, then waits until every
// server loop and handler has returned. It is safe to call more than once.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	clients, servers, listeners := l.clients, l.servers, l.listeners
	l.mu.Unlock()

	for _, tr := range clients {
		tr.CloseIdleConnections()
	}
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Close()) // closes its listener and connections; handlers see ctx end
	}
	for _, ln := range listeners {
		if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	l.serving.Wait()
	l.mu.Lock()
	idle := make(chan struct{})
	if l.handlers == 0 {
		close(idle)
	} else {
		l.idle = idle
	}
	l.mu.Unlock()
	<-idle
	for _, tr := range clients {
		tr.CloseIdleConnections() // any a late response left behind
	}
	return errors.Join(errs...)
}
