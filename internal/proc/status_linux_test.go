package proc_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func init() {
	// exit3 exits with code 3 once released.
	roles["test/exit3"] = func(ctx context.Context, s *proc.Self) error {
		if err := s.StartLine(ctx); err != nil {
			return err
		}
		os.Exit(3)
		return nil
	}
	// parent starts a daemon and a non-daemon grandchild that nap, and
	// returns at once: Serve's Shutdown ends the one, waits for the other.
	roles["test/parent"] = func(ctx context.Context, s *proc.Self) error {
		for _, daemon := range []bool{true, false} {
			c, err := s.Spawn(ctx, "test/nap", map[bool]string{true: "daemon", false: "worker"}[daemon], map[string]float64{"Secs": 0.3}, daemon)
			if err != nil {
				return err
			}
			s.Log(ev.Step, "started", "grandchild", c.Pid, "daemon", daemon)
		}
		return nil
	}
}

func TestStatusForms(t *testing.T) {
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/hold", Name: "held"})
	if err != nil {
		t.Fatal(err)
	}
	if st := c.Status(); !st.Running || st.Python() != "None" || !c.Alive() {
		t.Errorf("running: %+v", st)
	}
	if c.WaitTimeout(20 * time.Millisecond) {
		t.Error("WaitTimeout says a holding child ended")
	}
	if err := c.Terminate(); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	st := c.Status()
	if st.Running || st.Signal != 15 || st.Python() != "-15" || st.Go != "signal: terminated" || st.Code != -1 || c.Alive() {
		t.Errorf("terminated: %+v", st)
	}
	if err := c.Signal(syscall.SIGTERM); err != os.ErrProcessDone {
		t.Errorf("signal after the end: %v", err)
	}

	c, err = proc.Start(context.Background(), proc.Spec{Role: "test/exit3", Name: "three"})
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	if !c.WaitTimeout(10 * time.Second) {
		t.Fatal("exit3 did not end")
	}
	if st := c.Status(); st.Code != 3 || st.Python() != "3" || st.Signal != 0 || st.Go != "exit status 3" {
		t.Errorf("exit 3: %+v", st)
	}
}

// A child's daemon grandchild is terminated when the child's role
// returns, its other grandchild is waited for; both are reaped by the
// child, and their events reach us with their own actor.
func TestGrandchildrenShutdown(t *testing.T) {
	evs := newEvents()
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/parent", Name: "parent", OnEvent: evs.add})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	var daemon, worker int
	woke := map[string]bool{}
	evs.mu.Lock()
	for _, e := range evs.list {
		if g, ok := e.Attrs["grandchild"].(float64); ok {
			if e.Attrs["daemon"] == true {
				daemon = int(g)
			} else {
				worker = int(g)
			}
		}
		if e.Msg == "woke" {
			woke[e.Actor] = true
		}
	}
	evs.mu.Unlock()
	if daemon == 0 || worker == 0 {
		t.Fatalf("grandchildren not reported: %v", evs.list)
	}
	if len(woke) != 1 {
		t.Errorf("woke: %v, want the non-daemon only", woke)
	}
	assertGone(t, daemon)
	assertGone(t, worker)
}

// Stop closes the child's stdin first: a child that then ends by itself
// is not killed; either way it is reported as killed.
func TestStopIsPolite(t *testing.T) {
	c, err := proc.Start(context.Background(), proc.Spec{Role: "test/hold", Name: "held"})
	if err != nil {
		t.Fatal(err)
	}
	c.Stop(5 * time.Second)
	<-c.Done()
	if st := c.Status(); st.Signal != 0 || st.Code != 0 {
		t.Errorf("a holding child ends by itself when its stdin closes: %+v", st)
	}
	if err := c.Err(); err == nil {
		t.Error("a stopped child reports no error")
	}
}
