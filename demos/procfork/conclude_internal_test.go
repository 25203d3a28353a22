package procfork

import (
	"strings"
	"testing"
)

func TestConcludeBranches(t *testing.T) {
	good := Metrics{Value: 10, ParentAfter: 9, ChildFirst: 10, ChildLater: 10, ChildSet: 110, ParentAtEnd: 9, LookedAfterwards: true}
	if res := conclude(good); !res.Observed {
		t.Errorf("good run: %s", res.Verdict)
	}
	shared := good
	shared.ChildLater = 9 // what a thread would have seen
	if res := conclude(shared); res.Observed || !strings.Contains(res.Verdict, "crossed") {
		t.Errorf("shared: %+v", res)
	}
	back := good
	back.ParentAtEnd = 110
	if res := conclude(back); res.Observed || !strings.Contains(res.Verdict, "crossed") {
		t.Errorf("child's change reached the parent: %+v", res)
	}
	early := good
	early.LookedAfterwards = false
	if res := conclude(early); res.Observed || !strings.Contains(res.Verdict, "proves nothing") {
		t.Errorf("early: %+v", res)
	}
}
