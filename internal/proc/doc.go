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
// Beyond the control channel: a child can be handed extra files
// (Spec.ExtraFiles, fd 3 on; Self.File), for pipes and sockets of its
// own. Its standard output can be raw (Spec.OnOutput, line by line, or
// Spec.Stdout, shared with other children) — then the protocol moves to a
// pipe of its own — so that a child may write to it freely, or replace
// itself with another program (Exec). Status reads how a child ended: an
// exit code or a signal (Terminate, Signal). A child can start children
// of its own (Self.Spawn), which are passed up its events and are ended
// with it as Python ends a process's children at exit (Self.Shutdown).
//
// Every child is reaped. A child is put in its own process group; when its
// context ends (Ctrl-C) its standard input is closed, so that it ends by
// itself and reaps its own children, and after StopGrace it is killed
// with its group. A child on Linux is also sent SIGKILL if the thread that
// started it dies (the thread is kept until the child is reaped), and
// every child exits by itself when its standard input closes — which is
// what happens when its parent dies in any way at all.
//
// Besides the control channel, processes can talk over the data channels
// of the IPC lessons: a duplex Pipe (two kernel pipes handed to a child as
// extra files), a Queue served on a unix socket that any process may put
// to and get from, a Manager process serving a dict and a list over
// net/rpc, and Shared memory mapped by several processes, with a lock
// that works across them. Messages travel as frames on a Conn; the end of
// a stream and a dead peer are errors (ErrEndOfStream, ErrPeerDied,
// ErrPeerGone), never a hang.
package proc
