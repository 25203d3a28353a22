package demos

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/pardemo/pardemo/internal/ui"
)

// A sleep a child process announces (Spec.OnSleep) counts the run as
// sleeping until it ends, however many shorter sleeps are announced
// meanwhile, and is a sign of life in itself.
func TestChildSleepCountsAsSleeping(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(1, 1, ui.NewRecorder(&ui.Capture{}))
		if _, sleeping := e.progress(); sleeping {
			t.Fatal("a fresh run counts as sleeping")
		}
		onSleep := e.spec("test/role", "child", nil).OnSleep
		n0, _ := e.progress()
		onSleep(nil, time.Second)
		onSleep(nil, 10*time.Millisecond) // does not cut the longer sleep short
		n1, sleeping := e.progress()
		if !sleeping || n1 == n0 {
			t.Fatalf("after a child's announced sleep: progress %d → %d, sleeping %v", n0, n1, sleeping)
		}
		time.Sleep(999 * time.Millisecond)
		if _, sleeping := e.progress(); !sleeping {
			t.Error("the child's sleep ended early")
		}
		time.Sleep(2 * time.Millisecond)
		if _, sleeping := e.progress(); sleeping {
			t.Error("still sleeping after the child's sleep ended")
		}
	})
}
