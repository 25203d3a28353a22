package coroutinecooperative

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
)

// quiz is the predict-then-reveal questions of `pardemo
// coroutine-cooperative --quiz`: what one blocking sleep does to tasks
// that share its thread, and what the same sleep does to goroutines.
// Both are read from the run: the waits the scheduler measured, and part
// C's wall time against the tasks' own sleeps.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		who := fmt.Sprintf("the first %d tasks call", o.Blocking)
		switch o.Blocking {
		case 0:
			who = "no task calls"
		case 1:
			who = names[0] + " calls"
		}
		return fmt.Sprintf("Part B: on one thread, %s time.sleep (not patched), not gevent.sleep. The other tasks…", who)
	},
	Choices: []string{
		"keep running: the scheduler switches to them meanwhile",
		"wait until the blocking sleep ends: nothing else runs",
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		story := storyMs(m)
		if m.Blocking == 0 || story <= 0 {
			return -1, "no task blocked in part B (try --blocking 1)"
		}
		measured := fmt.Sprintf("the first blocker kept the thread %.2f story-s; every other task waited at least %.2f",
			m.BlockerHeldMs/story, m.StalledMinDelayMs/story)
		switch {
		case m.BlockerHeldMs <= 3*m.ToleranceMs:
			return -1, measured + " (too short to tell from timer noise: try a lower --speed)"
		case m.StalledMinDelayMs >= m.BlockerHeldMs-m.ToleranceMs:
			return 1, measured
		case m.StalledMinDelayMs <= m.ToleranceMs:
			return 0, measured
		}
		return -1, measured
	},
	Why: "a cooperative scheduler switches only when a task yields, and an unpatched time.sleep never yields, so the whole thread sleeps with it; gevent's monkey-patching exists for this",
}, {
	Ask: "Part C: the same tasks as goroutines, every sleep a blocking time.Sleep. How long does it take?",
	ChoicesFor: func(o *Options) []string {
		longest, sum := sleeps(o.Tasks)
		return []string{
			fmt.Sprintf("%g s, the longest task's sleeps: nobody waits", longest),
			fmt.Sprintf("%g s, all the sleeps: each blocks the thread", sum),
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		story := storyMs(m)
		if story <= 0 {
			return -1, "no task ran"
		}
		longest, sum := sleeps(m.Tasks)
		measured := fmt.Sprintf("%.2f story-s; the latest goroutine woke %.2f late", m.GoroutineWallMs/story, m.GoroutineMaxDelayMs/story)
		near := func(wall, want float64) bool { return wall >= want-1 && wall-want <= 0.25*want+m.ToleranceMs }
		switch {
		case near(m.GoroutineWallMs, m.ExpectedCoopMs):
			return 0, measured
		case sum > longest && near(m.GoroutineWallMs, m.ExpectedCoopMs*sum/longest):
			return 1, measured
		}
		return -1, measured + " (the machine ran late)"
	},
	Why: "a goroutine blocked in a sleep is parked by the runtime, which runs the others on its threads; Python threads would overlap the sleeps too, but gevent greenlets need the patch",
}}

// sleeps is the longest task's own sleeps and the sum over all n tasks,
// story seconds.
func sleeps(n int) (longest, sum float64) {
	for i := range n {
		longest = max(longest, scriptOf(i).total())
		sum += scriptOf(i).total()
	}
	return longest, sum
}

// storyMs is one story-second in wall milliseconds, from the expected
// time of part A (the longest task's sleeps); 0 if nothing ran.
func storyMs(m Metrics) float64 {
	longest, _ := sleeps(m.Tasks)
	if longest <= 0 {
		return 0
	}
	return m.ExpectedCoopMs / longest
}
