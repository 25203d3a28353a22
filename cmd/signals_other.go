//go:build !unix

package cmd

import (
	"context"
	"os"
	"os/signal"

	"github.com/pardemo/pardemo/demos"
)

// handleSignals cancels ctx's runs on Ctrl-C (exit 130) and keeps
// listening until stop is called, so a second Ctrl-C does not cut the
// cleanup short. See signals_unix.go for the other signals.
func handleSignals(cancel context.CancelCauseFunc) (stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
				cancel(&demos.Interrupt{Code: 130})
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
