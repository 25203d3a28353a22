// Package proc runs real operating-system processes for the process
// lessons. Go cannot fork, so a "child process" here is a fresh copy of
// the running binary, started with an environment variable that names the
// role it should play (see Serve). Parent and child talk over the child's
// standard input and output, one JSON object per line:
//
//	parent → child: a hello (role, name, arguments, clock), then tasks,
//	                and for a member of a Group the release from its start line
//	child → parent: events, replies to tasks, beats, sleeps, "ready" at
//	                the start line, and one final result
//
// A child announces every story-clock sleep (Self.Sleep) with its real
// duration (Spec.OnSleep), so a parent's watchdog can count a sleeping
// child as alive, as it does a sleeping goroutine. A Group starts several
// children that wait at a start line (Self.StartLine) until all of them
// are up, then lets them go at once.
//
// The child's events carry times on the parent's clock, so a renderer can
// merge processes and goroutines into one story.
//
// Every child is reaped. A child is put in its own process group and
// killed with it when its context ends (Ctrl-C), a child on Linux is also
// sent SIGKILL if the thread that started it dies, and every child exits
// by itself when its standard input closes — which is what happens when
// its parent dies in any way at all.
package proc
