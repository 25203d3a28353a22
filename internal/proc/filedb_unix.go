//go:build unix

package proc

import "os"

// syncDir flushes a directory, so that a rename in it survives a crash of
// the machine. Failure only weakens that guarantee, so it is ignored.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
