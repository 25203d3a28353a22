//go:build !unix

package procdaemon

// exists: process scenarios do not run here (proc.Supported fails first).
func exists(int) bool { return false }

func running(int) bool { return false }
