// Package proc runs real operating-system processes for the process
// lessons. Go cannot fork, so a "child process" here is a fresh copy of
// the running binary, started with an environment variable that names the
// role it should play (see Serve). Parent and child talk over the child's
// standard input and output, one JSON object per line:
//
//	parent → child: a hello (role, name, arguments, clock), then tasks
//	child → parent: events, replies to tasks, and one final result
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
