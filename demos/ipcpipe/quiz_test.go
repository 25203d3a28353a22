package ipcpipe_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/ipcpipe"
	"github.com/pardemo/pardemo/internal/proc"
)

func TestQuizAnswersFromMetrics(t *testing.T) {
	d := ipcpipe.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		m    ipcpipe.Metrics
		want [2]int
	}{
		{ipcpipe.Metrics{EndOfStream: true, Third: "end of stream", SendAfterEnd: "broken pipe"}, [2]int{2, 2}},
		{ipcpipe.Metrics{PeerDied: true, Third: "peer died", SendAfterEnd: "<nil>"}, [2]int{3, 1}},
		{ipcpipe.Metrics{Third: "short read"}, [2]int{-1, 1}},
	}
	for _, c := range cases {
		demotest.Answers(t, d, c.m, c.want[:]...)
	}
}

func TestQuizAnswersFromTheRun(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := ipcpipe.New()
	for _, c := range []struct {
		end  string
		want int
	}{{"close", 2}, {"die", 3}} {
		res, _ := demotest.MustRun(t, d, 100, "end="+c.end)
		rev := demotest.Reveal(t, d, res, "end="+c.end)
		if rev[0].Choice != c.want || rev[1].Choice != 2 {
			t.Errorf("--end %s: answers %+v, want %d and 2", c.end, rev, c.want)
		}
		t.Logf("--end %s: %+v", c.end, rev)
	}
}
