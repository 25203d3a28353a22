package ipcmanager_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcmanager"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := ipcmanager.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		list []int
		us   float64
		want [2]int
	}{
		{[]int{0, 1, 2}, 0.5, [2]int{0, 0}},
		{[]int{1, 0, 2}, 80, [2]int{1, 1}},
		{[]int{2, 1, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, 1500, [2]int{1, 2}},
		{nil, 0, [2]int{-1, -1}},
	}
	for _, c := range cases {
		rev := demotest.Reveal(t, d, ev.Result{Metrics: ipcmanager.Metrics{List: c.list, CallMeanUs: c.us}})
		if rev[0].Choice != c.want[0] || rev[1].Choice != c.want[1] {
			t.Errorf("%v, %g µs: answers %+v, want %v", c.list, c.us, rev, c.want)
		}
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcmanager.New()
	// One worker: its append is the whole list, in order whatever happens.
	res, _ := demotest.MustRun(t, d, 1000, "workers=1")
	rev := demotest.Reveal(t, d, res, "workers=1")
	if rev[0].Choice != 0 || rev[1].Choice < 0 {
		t.Errorf("one worker: answers %+v", rev)
	}
	// Ten: usually out of order, but any order is an answer.
	res, _ = demotest.MustRun(t, d, 1000)
	rev = demotest.Reveal(t, d, res)
	if rev[0].Choice < 0 || rev[1].Choice < 0 {
		t.Errorf("answers %+v", rev)
	}
	t.Logf("%+v", rev)
}
