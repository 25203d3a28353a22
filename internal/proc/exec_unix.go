//go:build unix

package proc

import "syscall"

// CanExec reports whether Exec works here.
func CanExec() error { return nil }

// Exec replaces the calling process's image with the program at path
// (execve(2), Python's os.execv): on success it never returns, and the
// process keeps its pid, its parent and its open standard streams, while
// the control channel (closed on exec) ends. On failure it returns the
// error and the process goes on as before.
func Exec(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}

func closeOnExec(fd int) { syscall.CloseOnExec(fd) }
