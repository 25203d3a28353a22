package demotest

import (
	"log"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/proc"
)

// Main is TestMain for a package whose scenarios start child processes.
// The children are copies of the test binary: started with proc.EnvRole
// set, it plays their role instead of running the tests again (which would
// start children, which would run the tests, …). Otherwise it runs the
// tests and checks once that they leaked no goroutine.
func Main(m *testing.M, ds ...demos.Demo) {
	if proc.IsChild() {
		roles, err := demos.Roles(ds...)
		if err != nil {
			log.Fatalf("demotest: %v", err) // a test set-up mistake, not a scenario's output
		}
		os.Exit(proc.Serve(roles))
	}
	goleak.VerifyTestMain(m)
}
