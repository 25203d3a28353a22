//go:build unix

package ipcpipe

import (
	"os"
	"syscall"
)

// dupFile is a second descriptor for f's socket, for the raw write of half
// a message (--end die).
func dupFile(f *os.File) (*os.File, error) {
	syscall.ForkLock.RLock()
	fd, err := syscall.Dup(int(f.Fd()))
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}
