package pool

import (
	"context"
	"fmt"

	"github.com/pardemo/pardemo/internal/proc"
)

// OverProcesses puts a Pool in front of a pool of worker processes (see
// proc.NewPool; scenarios get one from demos.Env.NewPool): one pool worker
// per process, each carrying its task's input over a pipe to a free
// process (as JSON), waiting for the reply and decoding it into an R.
// The processes run the role they were started with; in T and out R are
// that role's task and reply. The processes stay the caller's: after Join,
// close them (procs.Close), and kill them on error paths (procs.Kill).
//
// Future.Worker names the process that did a task ("counter-2 [pid 4242]").
//
// A running task is not interrupted by Future.Cancel (as in Python, whose
// cancel() refuses a running call): its process would be left mid-task,
// never handed out again, and the pool would shrink until it hung. It
// runs under the pool's context, which Terminate or the caller's ctx end.
func OverProcesses[T, R any](ctx context.Context, procs *proc.Pool) *Pool[T, R] {
	var p *Pool[T, R]
	p = start(ctx, len(procs.Workers()), "feeder", func(_ context.Context, _ int, in T) (R, string, error) {
		var out R
		// p is set before any task can be submitted, so before this runs.
		c, err := procs.Do(p.ctx, in, &out) // waits for a free process
		who := ""
		if c != nil {
			who = fmt.Sprintf("%s [pid %d]", c.Name, c.Pid)
		}
		return out, who, err
	})
	return p
}
