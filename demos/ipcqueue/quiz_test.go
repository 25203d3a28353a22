package ipcqueue_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcqueue"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := ipcqueue.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		max, items int
		joined     bool
		want       [2]int
	}{
		{1, 10, true, [2]int{0, 2}},
		{5, 10, true, [2]int{1, 2}},
		{7, 10, true, [2]int{2, 2}},
		{10, 10, false, [2]int{3, -1}},
		{0, 10, true, [2]int{0, 2}},
	}
	for _, c := range cases {
		m := ipcqueue.Metrics{Items: c.items, MaxSize: c.max, Sizes: []int{c.max}, TasksDone: c.items, JoinAfterDone: c.joined, JoinWaitMs: 12}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, "items=10")
		if rev[0].Choice != c.want[0] || rev[1].Choice != c.want[1] {
			t.Errorf("max %d, joined %v: answers %+v, want %v", c.max, c.joined, rev, c.want)
		}
	}
	// No put recorded: no answer.
	rev := demotest.Reveal(t, d, ev.Result{Metrics: ipcqueue.Metrics{Items: 10, JoinAfterDone: true}}, "items=10")
	if rev[0].Choice != -1 {
		t.Errorf("no puts: answer %+v", rev[0])
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcqueue.New()
	// The consumer takes 1 item in the time the producer puts 3: with 10
	// items the queue holds 7 at the last put (6 to 8 as timing wobbles; a
	// machine too busy to keep the pace could make it 5). Never "at most
	// 2", never "all 10".
	res, _ := demotest.MustRun(t, d, 100)
	rev := demotest.Reveal(t, d, res)
	if (rev[0].Choice != 1 && rev[0].Choice != 2) || rev[1].Choice != 2 {
		t.Errorf("answers %+v, want c (or b) and c", rev)
	}
	t.Logf("%+v", rev)
}
