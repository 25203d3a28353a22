package poolmap_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/poolmap"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := poolmap.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	tasks := func(lastStart float64) []poolmap.Task {
		return []poolmap.Task{{N: 0, StartS: 0, EndS: 1}, {N: 1, StartS: 0, EndS: 2}, {N: 2, StartS: lastStart, EndS: lastStart + 1}}
	}
	cases := []struct {
		m    poolmap.Metrics
		want [2]int
	}{
		{poolmap.Metrics{Workers: 2, Tasks: tasks(1), FirstFinishS: 1, CallbacksInSubmitter: 4}, [2]int{1, 1}},
		{poolmap.Metrics{Workers: 2, Tasks: tasks(0), FirstFinishS: 1, CallbacksInWorker: 4}, [2]int{0, 0}},
		{poolmap.Metrics{Workers: 3, Tasks: tasks(1), FirstFinishS: 1, CallbacksInSubmitter: 1, CallbacksInWorker: 1}, [2]int{0, -1}},
		{poolmap.Metrics{Workers: 2}, [2]int{-1, -1}},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want[:]...)
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	d := poolmap.New()
	for _, c := range []struct {
		knobs []string
		want  int
	}{
		{[]string{"workers=2", "items=3"}, 1}, // one more than the workers: it waits
		{[]string{"workers=3", "items=3"}, 0}, // room for all
	} {
		res, _ := demotest.MustRun(t, d, 100, c.knobs...)
		rev := demotest.Reveal(t, d, res, c.knobs...)
		if rev[0].Choice != c.want || rev[1].Choice != 1 {
			t.Errorf("%v: answers %+v, want %d and 1", c.knobs, rev, c.want)
		}
		t.Logf("%v: %+v", c.knobs, rev)
	}
}
