package asyncexecutor_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos/asyncexecutor"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/internal/ev"
)

func TestQuizAnswersReadTheTicks(t *testing.T) {
	d := asyncexecutor.New()
	if err := d.CheckQuiz(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		executor   *asyncexecutor.Phase
		blockedS   float64
		blockGap   float64
		choice     [2]int
		noExecutor bool
	}{
		{"as shown", &asyncexecutor.Phase{Ticks: 20, MaxGap: 0.11}, 0.8, 0.85, [2]int{0, 1}, false},
		{"executor stalled", &asyncexecutor.Phase{Ticks: 5, MaxGap: 0.7}, 0.8, 0.85, [2]int{1, 1}, false},
		{"executor a bit late", &asyncexecutor.Phase{Ticks: 18, MaxGap: 0.28}, 0.8, 0.85, [2]int{-1, 1}, false},
		{"calls too short", &asyncexecutor.Phase{Ticks: 20, MaxGap: 0.11}, 0.05, 0.12, [2]int{0, 0}, false},
		{"tick during a hold", &asyncexecutor.Phase{Ticks: 20, MaxGap: 0.11}, 0.8, 0.4, [2]int{0, -1}, false},
		{"no executor", nil, 0.8, 0.85, [2]int{-1, 1}, true},
	} {
		m := asyncexecutor.Metrics{TickStory: 0.1, SumOK: true, MaxHolders: 1, Tolerance: 0.15, Executor: c.executor,
			Blocking: asyncexecutor.Phase{Ticks: 10, BlockedS: c.blockedS, MaxGap: c.blockGap}}
		var knobs []string
		if c.noExecutor {
			knobs = append(knobs, "no-executor")
		}
		rev := demotest.Reveal(t, d, ev.Result{Metrics: m}, knobs...)
		if rev[0].Choice != c.choice[0] || rev[1].Choice != c.choice[1] {
			t.Errorf("%s: choices %d (%s), %d (%s), want %v", c.name, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, c.choice)
		}
	}
}

// Real runs, with the executors and without: whenever the lesson showed,
// the answers are "keeps its beat" and "as long as the calls hold it".
func TestQuizFromARealRun(t *testing.T) {
	d := asyncexecutor.New()
	for _, knobs := range [][]string{{"io-mib=64"}, {"io-mib=64", "no-executor"}} {
		res, _ := demotest.MustRun(t, d, 10, knobs...)
		rev := demotest.Reveal(t, d, res, knobs...)
		want := [2]int{0, 1}
		if len(knobs) == 2 {
			want[0] = -1
		}
		if res.Observed && (rev[0].Choice != want[0] || rev[1].Choice != want[1]) {
			t.Errorf("%v: lesson shown, yet choices %d (%s), %d (%s), want %v", knobs, rev[0].Choice, rev[0].Measured, rev[1].Choice, rev[1].Measured, want)
		}
		t.Logf("%v (observed %v): %s; %s", knobs, res.Observed, rev[0].Measured, rev[1].Measured)
	}
}
