//go:build unix

package proc

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// RawSocketPairForTest is a bare unix socket pair as net.Conns (what
// Python's duplex Pipe is), for a baseline benchmark.
func RawSocketPairForTest() (net.Conn, net.Conn, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("making a socket pair: %w", err)
	}
	a, b := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	defer a.Close()
	defer b.Close()
	ca, err := net.FileConn(a)
	if err != nil {
		return nil, nil, err
	}
	cb, err := net.FileConn(b)
	if err != nil {
		ca.Close()
		return nil, nil, err
	}
	return ca, cb, nil
}
