package proc_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/proc"
)

// alive reports whether pid is a running process: a zombie (exited, not
// yet reaped) counts as dead here, but see assertGone.
func state(pid int) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return "", false
	}
	return s[i+2 : i+3], true
}

// assertGone fails unless pid has exited and been reaped: no process and no
// zombie left.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if st, ok := state(pid); ok {
		t.Errorf("pid %d still exists (state %s)", pid, st)
	}
}

// A child whose parent is killed outright does not survive it: Linux sends
// it SIGKILL (Pdeathsig) and, failing that, its stdin closes.
func TestGrandchildDiesWithItsParent(t *testing.T) {
	ev := newEvents()
	mid, err := proc.Start(context.Background(), proc.Spec{Role: "test/middle", Name: "middle", OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	var grand int
	select {
	case e := <-ev.seen:
		grand = int(e.Attrs["grandchild"].(float64))
	case <-time.After(10 * time.Second):
		mid.Kill()
		t.Fatal("middle never reported its grandchild")
	}
	// Kill only the middle process, not its group: the grandchild is on its own.
	if err := syscall.Kill(mid.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	mid.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, ok := state(grand)
		if !ok || st == "Z" { // gone, or dead and waiting for init to reap it
			return
		}
		if time.Now().After(deadline) {
			syscall.Kill(grand, syscall.SIGKILL)
			t.Fatalf("grandchild %d survived its parent (state %s)", grand, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
