//go:build !linux

package tickets_test

import "testing"

// assertBuyersGone only checks that buyers were reported: looking for
// zombies needs Linux's /proc (internal/proc's tests cover reaping on other
// unix systems).
func assertBuyersGone(t *testing.T, pids []int) {
	t.Helper()
	if len(pids) == 0 {
		t.Fatal("no buyer pid was reported")
	}
}
