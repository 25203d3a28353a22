//go:build !unix

package proc

// syncDir: directories cannot be opened and flushed here; the rename is
// still atomic, only its durability after a power cut is up to the system.
func syncDir(string) {}
