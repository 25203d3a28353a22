package ui

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
)

// fullWriter takes room bytes, then fails like a full disk.
type fullWriter struct {
	room   int
	b      strings.Builder
	writes int // calls after the first failure
	failed bool
}

func (w *fullWriter) Write(p []byte) (int, error) {
	if w.failed {
		w.writes++
	}
	if len(p) > w.room {
		w.failed = true
		n := w.room
		w.b.Write(p[:n])
		w.room = 0
		return n, syscall.ENOSPC
	}
	w.room -= len(p)
	w.b.Write(p)
	return len(p), nil
}

// Both renderers remember the first failed write, report it as a
// *WriteError, and write nothing after it.
func TestRenderersRememberWriteErrors(t *testing.T) {
	for name, mk := range map[string]func(*fullWriter) Renderer{
		"text": func(w *fullWriter) Renderer { return NewText(w, NewTheme(false)) },
		"json": func(w *fullWriter) Renderer { return NewJSON(w) },
	} {
		t.Run(name, func(t *testing.T) {
			w := &fullWriter{room: 150}
			r := mk(w)
			sample(r)
			r.Fail(ev.Header{Demo: "race"}, "boom", 1)
			r.Summary([]SummaryRow{{Demo: "race", Wall: time.Second}})
			err := r.Err()
			var we *WriteError
			if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Err() = %v, want a *WriteError wrapping ENOSPC", err)
			}
			if w.writes != 0 {
				t.Errorf("%d writes after the first failure, want none", w.writes)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one line: %q", err)
			}
		})
	}
	if err := NewJSON(&fullWriter{room: 1 << 20}).Err(); err != nil {
		t.Errorf("a renderer that wrote nothing reports %v", err)
	}
}
