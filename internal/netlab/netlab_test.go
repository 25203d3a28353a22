package netlab_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/internal/netlab"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func hello(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello from %s", r.Host) }

// A named host reaches the lab's server, which sees the name in Host; the
// only address dialled is the server's, on loopback.
func TestNamedHostIsServedLocally(t *testing.T) {
	lab := netlab.New()
	defer lab.Close()
	addr, err := lab.Serve(http.HandlerFunc(hello))
	if err != nil {
		t.Fatal(err)
	}
	lab.Host("www.cnn.com", addr)
	resp, err := lab.Client().Get("http://www.cnn.com/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello from www.cnn.com" {
		t.Errorf("body %q", body)
	}
	dials := lab.Dials()
	if len(dials) != 1 || dials[0].Address != addr || !dials[0].Allowed {
		t.Errorf("dials %+v, want one to %s", dials, addr)
	}
}

// An unknown name fails as the system resolver fails for a domain that
// does not exist, and nothing at all is dialled.
func TestUnknownHostIsNotFound(t *testing.T) {
	lab := netlab.New()
	defer lab.Close()
	_, err := lab.Client().Get("http://some-made-up-domain.com/")
	var dns *net.DNSError
	if !errors.As(err, &dns) || !dns.IsNotFound || dns.Name != "some-made-up-domain.com" {
		t.Fatalf("err %v (%T), want a not-found *net.DNSError", err, err)
	}
	if want := "dial tcp: lookup some-made-up-domain.com: no such host"; !strings.Contains(err.Error(), want) {
		t.Errorf("err %q does not read like the standard library's %q", err, want)
	}
	if d := lab.Dials(); len(d) != 0 {
		t.Errorf("dialled %+v", d)
	}
}

// An address off the machine is refused by the guard before the
// connection is attempted, and recorded as refused. 192.0.2.1 is TEST-NET-1,
// which nobody answers anyway.
func TestGuardRefusesOffMachine(t *testing.T) {
	lab := netlab.New()
	defer lab.Close()
	for _, addr := range []string{"192.0.2.1:80", "[2001:db8::1]:80", "10.0.0.1:443"} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := lab.DialContext(ctx, "tcp", addr)
		cancel()
		if err == nil {
			conn.Close()
			t.Fatalf("%s: dialled", addr)
		}
		if !errors.Is(err, netlab.ErrOffMachine) {
			// No IPv6 route at all is refused by the system before the guard runs.
			if !strings.Contains(addr, "[") {
				t.Errorf("%s: err %v, want ErrOffMachine", addr, err)
			}
		}
	}
	for _, d := range lab.Dials() {
		if d.Allowed {
			t.Errorf("guard allowed %+v", d)
		}
	}
	if lab.OffMachine() < 2 {
		t.Errorf("refused %d, want ≥ 2: %+v", lab.OffMachine(), lab.Dials())
	}
}

// The client takes no proxy from the environment: a proxy would be a way
// off the machine that the dial guard would not see as such.
func TestClientIgnoresProxyEnvironment(t *testing.T) {
	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", "http://"+proxy.Addr().String())
	t.Setenv("http_proxy", "http://"+proxy.Addr().String())
	lab := netlab.New()
	defer lab.Close()
	addr, err := lab.Serve(http.HandlerFunc(hello))
	if err != nil {
		t.Fatal(err)
	}
	lab.Host("www.bbc.co.uk", addr)
	resp, err := lab.Client().Get("http://www.bbc.co.uk/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, d := range lab.Dials() {
		if d.Address != addr {
			t.Errorf("dialled %s, not the lab server %s", d.Address, addr)
		}
	}
}

// Close ends a handler that is still waiting, closes every server and
// listener, and leaves no goroutine behind (goleak checks at exit).
func TestCloseEndsEverything(t *testing.T) {
	lab := netlab.New()
	started := make(chan struct{})
	addr, err := lab.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := lab.Listen()
	if err != nil {
		t.Fatal(err)
	}
	lab.Host("slow.example", addr)
	errc := make(chan error, 1)
	go func() {
		resp, err := lab.Client().Get("http://slow.example/")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-started
	if err := lab.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := <-errc; err == nil {
		t.Error("the request outlived the lab")
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("listener still open: %v", err)
	}
	if _, err := lab.Listen(); err == nil {
		t.Error("a closed lab opened a listener")
	}
	if err := lab.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}
