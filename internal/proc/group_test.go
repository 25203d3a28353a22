//go:build unix

package proc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

// runnerResult is what a test/runner child reports (see roles).
type runnerResult struct {
	Name  string
	Ready time.Duration // reached the start line, on the parent's clock
	Off   time.Duration // was let go
}

// Three runners start as three processes, wait at the start line until
// all of them are up, leave it together, and are all waited for.
func ExampleGroup() {
	ctx := context.Background()
	members := []proc.Member{{Name: "runner-1"}, {Name: "runner-2"}, {Name: "runner-3"}}
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner"}, members)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := g.Ready(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d runners at the start line\n", len(g.Children()))
	if err := g.Release(); err != nil {
		fmt.Println(err)
	}
	if err := g.Wait(ctx); err != nil {
		fmt.Println(err)
	}
	for _, c := range g.Children() {
		var r runnerResult
		if err := c.Result(&r); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s ran\n", r.Name)
	}
	// Output:
	// 3 runners at the start line
	// runner-1 ran
	// runner-2 ran
	// runner-3 ran
}

// Nobody leaves the start line before everybody is on it: every runner's
// release comes after the last runner arrived, and after the parent's go.
// Wait and Kill from other goroutines at the same time are safe (-race).
func TestGroupReleasesTogether(t *testing.T) {
	epoch := time.Now()
	var members []proc.Member
	for i := range 6 {
		members = append(members, proc.Member{Name: fmt.Sprintf("runner-%d", i+1)})
	}
	ctx := context.Background()
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner", Epoch: epoch}, members)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Kill()
	if err := g.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Children() {
		select {
		case <-c.Ready():
		default:
			t.Errorf("%s is not at the start line after Ready", c.Name)
		}
	}
	gun := time.Since(epoch)
	if err := g.Release(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = g.Wait(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var lastReady, firstOff time.Duration = 0, time.Hour
	pids := map[int]bool{}
	for i, c := range g.Children() {
		var r runnerResult
		if err := c.Result(&r); err != nil {
			t.Fatal(err)
		}
		if r.Name != members[i].Name || c.Pid != g.Pids()[i] || pids[c.Pid] {
			t.Errorf("member %d: result %+v from pid %d (pids %v)", i, r, c.Pid, g.Pids())
		}
		pids[c.Pid] = true
		lastReady, firstOff = max(lastReady, r.Ready), min(firstOff, r.Off)
		assertGone(t, c.Pid)
	}
	if firstOff < lastReady || firstOff < gun {
		t.Errorf("a runner left at %v, before the last arrived (%v) or the go (%v)", firstOff, lastReady, gun)
	}
	g.Kill() // after the end: harmless
}

// A member that ends before its start line calls the race off: Ready
// says who and why, and the others are killed and reaped.
func TestGroupMemberLostBeforeTheLine(t *testing.T) {
	ctx := context.Background()
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner"},
		[]proc.Member{{Name: "runner-1"}, {Name: "faller", Role: "test/fail"}, {Name: "runner-3"}})
	if err != nil {
		t.Fatal(err)
	}
	err = g.Ready(ctx)
	var ee *proc.ExitError
	if !errors.As(err, &ee) || ee.Name != "faller" || !strings.Contains(err.Error(), "start line") ||
		!strings.Contains(err.Error(), "failed on purpose") {
		t.Fatalf("Ready = %v", err)
	}
	for _, c := range g.Children() {
		select {
		case <-c.Done():
		default:
			t.Errorf("%s still runs after Ready failed", c.Name)
		}
		assertGone(t, c.Pid)
	}
}

// Wait joins the members' errors: each failure is named, and the members
// that succeeded are not.
func TestGroupWaitJoinsErrors(t *testing.T) {
	ctx := context.Background()
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner"}, []proc.Member{
		{Name: "ok-1"}, {Name: "bad-1", Args: map[string]bool{"Fail": true}},
		{Name: "ok-2"}, {Name: "bad-2", Args: map[string]bool{"Fail": true}}})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Kill()
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	err = g.Wait(ctx)
	if err == nil {
		t.Fatal("Wait = nil with two failed members")
	}
	for _, want := range []string{"bad-1 tripped on purpose", "bad-2 tripped on purpose"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Wait = %v, missing %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "ok-") {
		t.Errorf("Wait = %v blames a member that succeeded", err)
	}
	var ee *proc.ExitError
	if !errors.As(err, &ee) {
		t.Errorf("Wait = %v, want ExitErrors inside", err)
	}
}

// When the context ends, Wait kills the members still running and returns
// the context's cause, not the kills.
func TestGroupWaitStopped(t *testing.T) {
	stop := errors.New("stopped by the test")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	held := make(chan struct{}, 2)
	g, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner",
		OnEvent: func(_ *proc.Child, e ev.Event) {
			if e.Msg == "holding" {
				held <- struct{}{}
			}
		}}, []proc.Member{{Name: "holder-1", Args: map[string]bool{"Hold": true}}, {Name: "holder-2", Args: map[string]bool{"Hold": true}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-held
	<-held
	go cancel(stop)
	if err := g.Wait(ctx); !errors.Is(err, stop) {
		t.Fatalf("Wait = %v, want the context's cause", err)
	}
	for _, c := range g.Children() {
		assertGone(t, c.Pid)
	}
}

// A group with no members, or two members of one name, is a mistake.
func TestGroupRefusesBadMembers(t *testing.T) {
	ctx := context.Background()
	if _, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner"}, nil); err == nil {
		t.Error("an empty group started")
	}
	if _, err := proc.StartGroup(ctx, proc.Spec{Role: "test/runner"}, []proc.Member{{Name: "a"}, {Name: "a"}}); err == nil {
		t.Error("a group with two members named a started")
	}
}

// Ready gives up, killing the group, when its context ends while a member
// never reaches its line.
func TestGroupReadyStopped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// test/hold never calls StartLine.
	g, err := proc.StartGroup(context.Background(), proc.Spec{Role: "test/hold"}, []proc.Member{{Name: "dawdler"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Ready(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Ready = %v, want the deadline", err)
	}
	assertGone(t, g.Pids()[0])
}
