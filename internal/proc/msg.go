package proc

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// The errors of a message stream (Conn). Each says which side went away,
// so a lesson can print it as it is.
var (
	// ErrEndOfStream is a receive after the other end closed its side, at a
	// message boundary: everything it sent has been received. It wraps
	// io.EOF, so errors.Is(err, io.EOF) holds too.
	ErrEndOfStream = fmt.Errorf("end of stream: the other end closed its side and everything it sent has been received (%w)", io.EOF)
	// ErrPeerDied is a receive that found the stream cut in the middle of a
	// message: the other process died (or closed) while sending it.
	ErrPeerDied = errors.New("the other end went away in the middle of a message")
	// ErrPeerGone is a send to an end nobody holds any more: the other
	// process closed its side or exited.
	ErrPeerGone = errors.New("the other end is closed or its process has exited")
	// ErrConnClosed is any use of a Conn after this side closed it.
	ErrConnClosed = errors.New("this end of the stream is closed")
	// ErrBroken is a receive on a Conn whose previous receive was cut off
	// mid-message (by its context), so the next byte is no message start.
	ErrBroken = errors.New("the stream lost its place in a message (an earlier receive was cancelled half-way)")
)

// MaxMessage is the largest message a Conn sends or accepts: a length that
// says more is a corrupt stream, not a reason to allocate gigabytes.
const MaxMessage = 16 << 20

// Conn is one end of a stream of messages between two processes: an end of
// a duplex Pipe, or a connection to a Queue or a manager. A message is a
// frame — four bytes of big-endian length, then that many bytes — written
// with one write, so messages never mix even when several goroutines send
// at once. Send and Recv carry JSON; SendBytes and RecvBytes the raw bytes.
//
// One goroutine may send while another receives. End-of-stream and a dead
// peer are errors (ErrEndOfStream, ErrPeerDied, ErrPeerGone), never a hang.
type Conn struct {
	rw   io.ReadWriteCloser
	r    *bufio.Reader
	wmu  sync.Mutex
	wbuf []byte
	rmu  sync.Mutex
	hdr  [4]byte

	mu     sync.Mutex
	closed bool
	broken bool
}

// NewConn frames messages over rw: a net.Conn, an *os.File of a socket or a
// pipe, or anything else that reads and writes bytes.
func NewConn(rw io.ReadWriteCloser) *Conn {
	return &Conn{rw: rw, r: bufio.NewReaderSize(rw, 64<<10)}
}

// SendBytes sends p as one message.
func (c *Conn) SendBytes(p []byte) error {
	if len(p) > MaxMessage {
		return fmt.Errorf("message of %d bytes is over the limit of %d", len(p), MaxMessage)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.isClosed() {
		return ErrConnClosed
	}
	c.wbuf = binary.BigEndian.AppendUint32(c.wbuf[:0], uint32(len(p)))
	c.wbuf = append(c.wbuf, p...)
	_, err := c.rw.Write(c.wbuf)
	if cap(c.wbuf) > 64<<10 {
		c.wbuf = nil // do not keep a huge buffer for the next small message
	}
	return c.writeErr(err)
}

// Send sends v, encoded as JSON, as one message.
func (c *Conn) Send(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding a message: %w", err)
	}
	return c.SendBytes(data)
}

// RecvBytes waits for the next message and returns it.
func (c *Conn) RecvBytes() ([]byte, error) { return c.RecvBytesCtx(context.Background()) }

// Recv waits for the next message and decodes its JSON into v.
func (c *Conn) Recv(v any) error { return c.RecvCtx(context.Background(), v) }

// RecvCtx is Recv that gives up when ctx ends, returning its cause. A
// receive given up before the first byte of a message leaves the Conn
// usable; one given up half-way breaks it (ErrBroken from then on).
func (c *Conn) RecvCtx(ctx context.Context, v any) error {
	data, err := c.RecvBytesCtx(ctx)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decoding a message: %w", err)
	}
	return nil
}

// deadliner is a stream whose reads can be cut short (sockets and pipes).
type deadliner interface{ SetReadDeadline(time.Time) error }

// RecvBytesCtx is RecvBytes that gives up when ctx ends (see RecvCtx).
func (c *Conn) RecvBytesCtx(ctx context.Context) ([]byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	c.mu.Lock()
	closed, broken := c.closed, c.broken
	c.mu.Unlock()
	switch {
	case closed:
		return nil, ErrConnClosed
	case broken:
		return nil, ErrBroken
	}
	if d, ok := c.rw.(deadliner); ok && ctx.Done() != nil {
		set := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			_ = d.SetReadDeadline(time.Unix(1, 0))
			close(set)
		})
		defer func() {
			// stop false means the AfterFunc has started, not finished:
			// wait until its deadline is set, then clear it, or it would
			// land later and cut the next receive short.
			if !stop() {
				<-set
				_ = d.SetReadDeadline(time.Time{})
			}
		}()
	}
	n, err := io.ReadFull(c.r, c.hdr[:])
	if err != nil {
		return nil, c.readErr(ctx, err, n > 0)
	}
	size := binary.BigEndian.Uint32(c.hdr[:])
	if size > MaxMessage {
		c.setBroken()
		return nil, fmt.Errorf("corrupt stream: a message of %d bytes announced, at most %d allowed", size, MaxMessage)
	}
	p := make([]byte, size)
	if _, err := io.ReadFull(c.r, p); err != nil {
		return nil, c.readErr(ctx, err, true)
	}
	return p, nil
}

func (c *Conn) setBroken() {
	c.mu.Lock()
	c.broken = true
	c.mu.Unlock()
}

// readErr names what a failed read means: the peer closed (between
// messages or in the middle of one), the context ended, or this side
// closed.
func (c *Conn) readErr(ctx context.Context, err error, midMessage bool) error {
	if midMessage {
		c.setBroken()
	}
	switch {
	case ctx.Err() != nil && errors.Is(err, os.ErrDeadlineExceeded):
		return context.Cause(ctx)
	case c.isClosed():
		return ErrConnClosed
	case midMessage && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)):
		return ErrPeerDied
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return ErrEndOfStream
	}
	return err
}

func (c *Conn) writeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case c.isClosed():
		return ErrConnClosed
	case errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, os.ErrClosed) || errors.Is(err, net.ErrClosed):
		return ErrPeerGone
	}
	return err
}

func (c *Conn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// CloseWrite ends this side's stream of messages but keeps receiving: the
// peer's next receive, once it has read everything, is ErrEndOfStream. It
// works on sockets (a Pipe's ends); on anything else it closes the Conn.
func (c *Conn) CloseWrite() error {
	if cw, ok := c.rw.(interface{ CloseWrite() error }); ok {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		return cw.CloseWrite()
	}
	return c.Close()
}

// Close closes this end. A receive waiting on it returns ErrConnClosed;
// the peer sees end of stream. Closing twice is harmless.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	return c.rw.Close()
}
