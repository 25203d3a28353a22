package ui

import (
	"os"
	"syscall"
	"unsafe"
)

// readerGone reports whether f is a pipe whose reading end every reader
// has closed (`pardemo … | head -1` after head left): the kernel then
// flags the writing end with POLLERR, and any write would fail with EPIPE.
// It asks without writing and without waiting.
func readerGone(f *os.File) bool {
	rc, err := f.SyscallConn() // not f.Fd(), which would make f blocking
	if err != nil {
		return false
	}
	gone := false
	_ = rc.Control(func(fd uintptr) {
		var st syscall.Stat_t
		if err := syscall.Fstat(int(fd), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
			return
		}
		pfd := struct {
			fd             int32
			events, revent int16
		}{fd: int32(fd), events: pollOut}
		var zero syscall.Timespec
		n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&zero)), 0, 0, 0)
		gone = errno == 0 && n == 1 && pfd.revent&pollErr != 0
	})
	return gone
}

const (
	pollOut = 0x4 // POLLOUT, asm-generic/poll.h
	pollErr = 0x8 // POLLERR
)
