package echo

import (
	"fmt"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// quiz is the predict-then-reveal question of `pardemo echo --quiz`: how
// many OS threads carry a goroutine per connection. The answer is read
// from the runtime's own count at the end of the run.
var quiz = []demos.Question[Options, Metrics]{{
	AskFor: func(o *Options) string {
		return fmt.Sprintf("%s clients connect at once; the server gives each a goroutine that blocks in Read. How many OS threads?", ev.Int(int64(o.Clients)))
	},
	ChoicesFor: func(o *Options) []string {
		return []string{
			fmt.Sprintf("%s or more: a thread per blocked connection", ev.Int(int64(o.Clients))),
			fmt.Sprintf("fewer than %s: the goroutines share a few", ev.Int(int64(o.Clients))),
			"1: an event loop, as in asyncio",
		}
	},
	Answer: func(o *Options, m Metrics) (int, string) {
		measured := fmt.Sprintf("%s connection(s) open at once on %s OS threads (GOMAXPROCS %d)", ev.Int(int64(m.PeakConns)), ev.Int(int64(m.OSThreads)), m.GOMAXPROCS)
		switch {
		case m.PeakConns <= 0 || m.OSThreads <= 0:
			return -1, measured
		case m.OSThreads == 1:
			return 2, measured
		case m.OSThreads >= m.PeakConns:
			return 0, measured
		}
		return 1, measured
	},
	Why: "a goroutine blocked in Read is parked on the runtime's network poller (epoll, kqueue, IOCP), not on a thread; a Python thread-per-connection server would need a thread each, asyncio one",
}}
