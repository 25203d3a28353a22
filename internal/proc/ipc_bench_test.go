//go:build unix

package proc_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pardemo/pardemo/internal/proc"
)

// The IPC round trips, all in one run so they can be compared: a message
// goes out, an echo goroutine on the other side sends it back. The echo is
// a goroutine, not a process, so the figures compare the channels, not
// process scheduling; every one of them crosses the kernel twice per way.

// BenchmarkIPCRoundTripRawPipe is the baseline: two os.Pipe, 8 bytes each
// way, no framing.
func BenchmarkIPCRoundTripRawPipe(b *testing.B) {
	r1, w1, _ := os.Pipe()
	r2, w2, _ := os.Pipe()
	defer r1.Close()
	go echoRaw(r2, w1)
	rawRoundTrips(b, w2, r1)
	w2.Close()
	w1.Close()
	r2.Close()
}

// echoRaw sends back every 8 bytes it reads from r on w, until either
// fails.
func echoRaw(r io.Reader, w io.Writer) {
	buf := make([]byte, 8)
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
}

// rawRoundTrips times 8-byte round trips: out on w, back from r.
func rawRoundTrips(b *testing.B, w io.Writer, r io.Reader) {
	msg := make([]byte, 8)
	for b.Loop() {
		w.Write(msg)
		io.ReadFull(r, msg)
	}
}

// BenchmarkIPCRoundTripPipe is proc.Pipe: two os.Pipe, framed messages.
func BenchmarkIPCRoundTripPipe(b *testing.B) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	other, _ := proc.OpenPipe(theirs[0], theirs[1])
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			p, err := other.RecvBytes()
			if err != nil {
				return
			}
			other.SendBytes(p)
		}
	})
	msg := make([]byte, 8)
	for b.Loop() {
		mine.SendBytes(msg)
		mine.RecvBytes()
	}
	mine.Close()
	wg.Wait()
	other.Close()
}

// BenchmarkIPCRoundTripPipeJSON is the same with Send and Recv (JSON).
func BenchmarkIPCRoundTripPipeJSON(b *testing.B) {
	mine, theirs, err := proc.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	other, _ := proc.OpenPipe(theirs[0], theirs[1])
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			var v []any
			if other.Recv(&v) != nil {
				return
			}
			other.Send(v)
		}
	})
	msg := []any{42, 7, "hello"}
	for b.Loop() {
		var v []any
		mine.Send(msg)
		mine.Recv(&v)
	}
	mine.Close()
	wg.Wait()
	other.Close()
}

// BenchmarkIPCRoundTripQueue is a put on one queue, a get by the echo, a
// put on a second queue and a get here: each put and get is a call to the
// queue's server.
func BenchmarkIPCRoundTripQueue(b *testing.B) {
	ctx := context.Background()
	q1, _ := proc.NewQueue(0, nil)
	q2, _ := proc.NewQueue(0, nil)
	defer q2.Close()
	defer q1.Close()
	in, _ := proc.DialQueue(ctx, q1.Addr(), "bench")
	out, _ := proc.DialQueue(ctx, q2.Addr(), "bench")
	ein, _ := proc.DialQueue(ctx, q1.Addr(), "echo")
	eout, _ := proc.DialQueue(ctx, q2.Addr(), "echo")
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			var v int
			if _, err := ein.Get(ctx, &v); err != nil {
				return
			}
			eout.Put(ctx, v)
		}
	})
	for b.Loop() {
		var v int
		in.Put(ctx, 1)
		out.Get(ctx, &v)
	}
	ein.Close()
	wg.Wait()
	for _, c := range []*proc.QueueClient{in, out, eout} {
		c.Close()
	}
}

// BenchmarkIPCManagerCall is one d[k] = v call to a manager.
func BenchmarkIPCManagerCall(b *testing.B) {
	dir, _ := os.MkdirTemp("", "pardemo-mb-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.sock")
	srv, err := proc.ListenManager(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- srv.Serve(ctx) }()
	m, _ := proc.DialManager(ctx, path)
	for i := 0; b.Loop(); i++ {
		if _, err := m.Set(ctx, i%100, i); err != nil {
			b.Fatal(err)
		}
	}
	m.Close()
	stop()
	<-served
}

// BenchmarkIPCSharedUpdate is internal/race's BenchmarkUpdate for shared
// memory: two workers, each through its own mapping of one shared word,
// doing b.N updates between them; ns/op is per update. "unlocked" is the
// lesson's load-then-store (updates are lost), "locked" the same under
// the cross-process lock (flock), "add" one atomic add.
func BenchmarkIPCSharedUpdate(b *testing.B) {
	for _, mode := range []string{"unlocked", "locked", "add"} {
		b.Run(mode, func(b *testing.B) {
			sh, err := proc.CreateShared(1)
			if err != nil {
				b.Fatal(err)
			}
			defer sh.Close()
			other, _ := proc.OpenShared(sh.Path())
			defer other.Close()
			n := max(b.N/2, 1)
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, s := range []*proc.Shared{sh, other} {
				wg.Go(func() {
					w := s.Word(0)
					for range n {
						switch mode {
						case "unlocked":
							w.Store(w.Load() + 1)
						case "locked":
							s.Lock()
							w.Store(w.Load() + 1)
							s.Unlock()
						case "add":
							w.Add(1)
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// BenchmarkIPCRoundTripRawSocketPair is the baseline's twin on a unix
// socket pair, Python's duplex Pipe: 8 bytes each way, no framing.
func BenchmarkIPCRoundTripRawSocketPair(b *testing.B) {
	a, c, err := proc.RawSocketPairForTest()
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		defer c.Close()
		echoRaw(c, c)
	}()
	rawRoundTrips(b, a, a)
	a.Close()
}
