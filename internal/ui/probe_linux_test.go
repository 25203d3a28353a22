package ui

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

// Probe notices a pipe whose reader left, without writing to it; while
// the reader is there, or for a file, it finds nothing.
func TestProbeFindsAGoneReader(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ew := NewErrWriter(w)
	if err := ew.Probe(); err != nil {
		t.Fatalf("reader still there: Probe = %v, want nil", err)
	}
	r.Close()
	err = ew.Probe()
	var we *WriteError
	if !errors.As(err, &we) || !errors.Is(err, syscall.EPIPE) || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("reader gone: Probe = %v, want a *WriteError for EPIPE", err)
	}
	if ew.Err() != err {
		t.Errorf("Err = %v after Probe found %v: want the same error remembered", ew.Err(), err)
	}
	if _, werr := ew.Write([]byte("x\n")); werr != err {
		t.Errorf("Write after Probe = %v, want %v", werr, err)
	}

	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := NewErrWriter(f).Probe(); err != nil {
		t.Errorf("a file: Probe = %v, want nil", err)
	}
}
