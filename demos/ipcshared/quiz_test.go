package ipcshared_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcshared"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := ipcshared.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	arr := []int64{1, 2, 3}
	cases := []struct {
		lost    int64
		seen    []int64
		doubled bool
		want    [2]int
	}{
		{0, []int64{2, 4, 6}, true, [2]int{0, 1}},
		{399, arr, false, [2]int{1, 0}},
		{400, nil, false, [2]int{2, -1}},
		{-1, []int64{2, 4, 6}, true, [2]int{-1, 1}},
	}
	for _, c := range cases {
		m := ipcshared.Metrics{Expected: 40_000, Final: 40_000 - c.lost, Lost: c.lost, ArrayBefore: arr, ArraySeen: c.seen, ArrayDoubled: c.doubled}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m})
		if rev[0].Choice != c.want[0] || rev[1].Choice != c.want[1] {
			t.Errorf("lost %d, seen %v: answers %+v, want %v", c.lost, c.seen, rev, c.want)
		}
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	defer ipcshared.NoBeats()()
	d := ipcshared.New()
	res, _ := demotest.MustRun(t, d, 1000, "lock", "count=2000")
	rev := demotest.Reveal(t, d, res, "lock", "count=2000")
	if rev[0].Choice != 0 || rev[1].Choice != 1 {
		t.Errorf("with the lock: answers %+v, want a and b", rev)
	}
	// Without it, updates are usually lost; whatever happened is a choice.
	res, _ = demotest.MustRun(t, d, 1000)
	rev = demotest.Reveal(t, d, res)
	if rev[0].Choice < 0 || rev[1].Choice != 1 || (res.Observed && rev[0].Choice == 0) {
		t.Errorf("without the lock: answers %+v (verdict %q)", rev, res.Verdict)
	}
	t.Logf("%+v", rev)
}
