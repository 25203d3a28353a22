package tickets_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// assertBuyersGone fails unless every pid has exited and been reaped: no
// process and no zombie left (Linux's /proc shows both).
func assertBuyersGone(t *testing.T, pids []int) {
	t.Helper()
	if len(pids) == 0 {
		t.Fatal("no buyer pid was reported")
	}
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // gone
		}
		s := string(b)
		state := "?"
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			state = s[i+2 : i+3]
		}
		t.Errorf("buyer pid %d still exists (state %s)", pid, state)
	}
}
