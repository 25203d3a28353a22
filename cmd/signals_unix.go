//go:build unix

package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pardemo/pardemo/demos"
)

// stopSignals are the signals that stop a run: each cancels it with an
// Interrupt carrying the exit code a shell expects, 128 + the signal's
// number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP: the terminal
// closed). The run then ends the ordinary way: children are stopped and
// reaped, temp files removed, the error line printed.
var stopSignals = map[os.Signal]*demos.Interrupt{
	syscall.SIGINT:  {Code: 128 + int(syscall.SIGINT)},
	syscall.SIGTERM: {Signal: "SIGTERM", Code: 128 + int(syscall.SIGTERM)},
	syscall.SIGHUP:  {Signal: "SIGHUP", Code: 128 + int(syscall.SIGHUP)},
}

// handleSignals cancels ctx's runs on the first stop signal and keeps
// listening until stop is called, so a second Ctrl-C does not kill
// pardemo half-way through its cleanup (which is bounded: a second or two
// of grace, then children are killed). SIGPIPE is listened to only so
// that Go does not die of it: a write to a closed stdout then fails with
// EPIPE, which the renderers report as a write error that stops the run.
func handleSignals(cancel context.CancelCauseFunc) (stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if i, ok := stopSignals[s]; ok {
					cancel(i) // only the first cause counts
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
