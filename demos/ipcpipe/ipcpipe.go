// Package ipcpipe is scenario I2: a duplex pipe between a parent and a
// child process; after the child closes its end, the parent's next receive
// reports end of stream at once instead of waiting for ever.
package ipcpipe

import (
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const roleChild = "ipc-pipe/child"

// The child's pacing, in story seconds: it thinks before each message.
const think = 1.0

// prompt is the longest the third receive may take to count as "at once":
// end of stream is a fact the kernel knows the moment the last copy of the
// other end closes.
const prompt = 500 * time.Millisecond

// Options are the scenario's knobs.
type Options struct {
	End string // how the child's side ends: close (the lesson) or die (half-way through its second message)
}

// Metrics are what the scenario measured.
type Metrics struct {
	End          string   `json:"end"`            // how the child's side ended (--end): close or die
	ChildPid     int      `json:"child_pid"`      // the child's process id
	ParentPid    int      `json:"parent_pid"`     // this process's id
	ChildsParent int      `json:"childs_parent"`  // the parent pid the child was told by the OS: equals parent_pid
	Duplex       bool     `json:"duplex"`         // the child received the parent's greeting on the same pipe it answered on
	Sent         []string `json:"sent"`           // the messages the child reports having sent whole
	Received     []string `json:"received"`       // the messages the parent received, in order
	Third        string   `json:"third"`          // what the receive after the last message returned (an error's text)
	EndOfStream  bool     `json:"end_of_stream"`  // that receive reported end of stream (a clean close)
	PeerDied     bool     `json:"peer_died"`      // that receive reported a peer that died mid-message
	ThirdWaitMs  float64  `json:"third_wait_ms"`  // how long that receive took, from its call to its return (with --end die, the child's pause included)
	SendAfterEnd string   `json:"send_after_end"` // what a send to the gone child returned
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "ipc pipe", ID: "I2",
		Speed:  1, // pacing (issue 13): the child thinks 1 story-s before each message (10× was 0.22 s)
		Title:  "A duplex pipe between processes: two messages, then end of stream at once",
		Python: "multiprocessing.Pipe() (conn.send / conn.recv / conn.close)",
		Go:     "two os.Pipe, one each way, handed to the child as fds 3 and 4; framed messages (proc.Pipe)",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Choice(&o.End, "end", "how the child's side ends: close it, or die half-way through the second message", "close", "close", "die")
		},
		Explain:  lesson,
		Lesson:   []string{"demos/ipcpipe/ipcpipe.go", "internal/proc/pipe_unix.go", "internal/proc/msg.go"},
		Run:      run,
		Quiz:     quiz,
		Children: map[string]demos.ChildRole{roleChild: child},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "end of stream", Class: demos.Acceptable, Desc: "two messages, then end of stream at once (the lesson)",
				When: func(o *Options, m Metrics) bool {
					return o.End == "close" && m.EndOfStream && len(m.Received) == 2 && m.Duplex && m.ThirdWaitMs < ev.Ms(prompt)
				}},
			{Name: "peer died", Class: demos.Acceptable, Desc: "one message, then a peer that died mid-message, reported as such",
				When: func(o *Options, m Metrics) bool {
					return o.End == "die" && m.PeerDied && len(m.Received) == 1 && m.Duplex
				}},
			{Name: "wrong end", Class: demos.Forbidden, Desc: "messages lost, or the end of the stream not reported at once",
				When: func(o *Options, m Metrics) bool { return true }},
		},
	}.Demo()
}

// childArgs is what the parent tells the child.
type childArgs struct {
	End string `json:"end"`
}

// stamped is one message on the pipe with the child's clock reading when
// it left. The child's own events travel to pardemo over another channel
// (its control pipe) and could be shown after the parent's receive; the
// stamp travels with the message, so the parent can say when it was sent.
type stamped struct {
	Msg    string        `json:"msg"`     // the message, as the cookbook's child sends it
	SentAt time.Duration `json:"sent_at"` // when the child sent it, on the parent's clock
}

// childReport is the child's account.
type childReport struct {
	Greeting  string   `json:"greeting"`
	Sent      []string `json:"sent"`
	ParentPid int      `json:"parent_pid"`
}

// child receives the parent's greeting on its end of the pipe (fds 3, 4),
// sends two messages, and closes its end — or dies half-way through the
// second message.
func child(ctx context.Context, self *proc.Self) error {
	var a childArgs
	if err := self.Args(&a); err != nil {
		return err
	}
	rd, wr := self.File(0), self.File(1)
	if rd == nil || wr == nil {
		return errors.New("no pipe end at fds 3 and 4")
	}
	raw, err := dupFile(wr) // kept for --end die: a raw write of half a message
	if err != nil {
		return err
	}
	defer raw.Close()
	conn, err := proc.OpenPipe(rd, wr)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := childReport{ParentPid: self.ParentPid}
	if err := conn.RecvCtx(ctx, &r.Greeting); err != nil {
		return err
	}
	self.Logf(ev.Recv, "received %q from the parent (pid %d) on its end of the pipe", r.Greeting, self.ParentPid)
	for i, msg := range []string{`[42, null, "hello"]`, `"the second message"`} {
		if err := self.Sleep(ctx, think); err != nil {
			return err
		}
		frame, err := json.Marshal(stamped{Msg: msg, SentAt: self.Now()})
		if err != nil {
			return err
		}
		if i == 1 && a.End == "die" {
			// Half a message: the length of the whole, then a few bytes.
			var hdr [4]byte
			binary.BigEndian.PutUint32(hdr[:], uint32(len(frame)))
			raw.Write(append(hdr[:], frame[:5]...))
			self.Logf(ev.Warn, "sends the first 5 of %d bytes of %s, then dies", len(frame), msg)
			self.Result(r)
			conn.Close()
			raw.Close()
			os.Exit(3) // no deferred close, no goodbye: as a crash would
		}
		// No event of its own for the send: it would travel over the
		// control channel and could be shown after the parent's receive.
		// The parent tells it, with the stamp the message carries.
		if err := conn.SendBytes(frame); err != nil {
			return err
		}
		r.Sent = append(r.Sent, msg)
	}
	self.Log(ev.Done, "closes its end of the pipe")
	if err := conn.Close(); err != nil {
		return err
	}
	raw.Close()
	return self.Result(r)
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	if err := proc.Supported(); err != nil {
		return ev.Result{}, err
	}
	m := Metrics{End: o.End, ParentPid: os.Getpid()}
	env.Phase("a duplex pipe with two ends: one stays in the parent, the other goes to the child as file descriptors 3 and 4")
	mine, theirs, err := proc.Pipe()
	if err != nil {
		return ev.Result{}, err
	}
	defer mine.Close()
	c, err := env.SpawnWith(ctx, roleChild, "child", childArgs{End: o.End}, func(s *proc.Spec) {
		s.ExtraFiles = theirs[:]
	})
	theirs[0].Close() // now only the child holds its end: its close is the end of the stream
	theirs[1].Close()
	if err != nil {
		return ev.Result{}, err
	}
	m.ChildPid = c.Pid
	// Anything that ends the run (Ctrl-C, the watchdog) ends the receives.
	stop := context.AfterFunc(ctx, func() { mine.Close() })
	defer stop()

	greeting := fmt.Sprintf("hello from pid %d", m.ParentPid)
	// Told before it is done, so that it shows before the child's receive.
	env.Logf("parent", ev.Send, "sends %q to the child [pid %d]: the pipe goes both ways", greeting, c.Pid)
	if err := mine.Send(greeting); err != nil {
		return ev.Result{}, err
	}
	var end ev.Event // the receive that found the end: told once the child is gone (below)
	for n := 1; ; n++ {
		env.Logf("parent", ev.Wait, "receive #%d…", n)
		t0 := time.Now()
		p, err := mine.RecvBytes()
		if err == nil {
			var msg stamped
			if err := json.Unmarshal(p, &msg); err != nil {
				return ev.Result{}, fmt.Errorf("receive #%d: %q is not a stamped message: %w", n, p, err)
			}
			m.Received = append(m.Received, msg.Msg)
			env.Logf("parent", ev.Recv, "receive #%d: %s (the child sent it at %.2fs)", n, msg.Msg, msg.SentAt.Seconds()*env.Speed)
			continue
		}
		if ctx.Err() != nil {
			c.Kill()
			<-c.Done()
			return ev.Result{}, demos.Stopped(ctx)
		}
		wait := time.Since(t0)
		m.ThirdWaitMs = ev.Ms(wait)
		m.Third = err.Error()
		m.EndOfStream = errors.Is(err, proc.ErrEndOfStream)
		m.PeerDied = errors.Is(err, proc.ErrPeerDied)
		tone := ev.ToneGreen
		if !m.EndOfStream {
			tone = ev.ToneRed
		}
		end = ev.Event{Actor: "parent", Kind: ev.Recv, Tone: tone,
			Msg:   fmt.Sprintf("receive #%d returned after %s: %v", n, ev.Dur(wait), err),
			Attrs: map[string]any{"wait_ms": m.ThirdWaitMs}}
		break
	}
	werr := c.Wait()
	// Wait returns once the child's control channel is drained: told now,
	// the end of the stream shows after the child's own account of closing
	// (or dying) its end, the order in which they happened. Its wait was
	// measured above.
	env.Emit(end)
	var r childReport
	if o.End == "close" {
		if werr != nil {
			return ev.Result{}, werr
		}
		if err := c.Result(&r); err != nil {
			return ev.Result{}, err
		}
	} else {
		env.Logf("parent", ev.Step, "the child [pid %d] ended: %s", c.Pid, c.Status().Go)
		if st := c.Status(); st.Running || st.Code != 3 {
			return ev.Result{}, fmt.Errorf("the child was to exit with status 3, it ended %s", st.Go)
		}
		r.Sent = m.Received // it died: what it sent whole is what arrived
		r.ParentPid, r.Greeting = m.ParentPid, greeting
	}
	m.Sent, m.ChildsParent, m.Duplex = r.Sent, r.ParentPid, r.Greeting == greeting
	// The child is gone: a send finds nobody at the other end.
	err = mine.Send("anyone there?")
	if err == nil {
		err = mine.Send("anyone there?") // the first may still fit in the socket's buffer
	}
	m.SendAfterEnd = fmt.Sprint(err)
	env.Logf("parent", ev.Send, "a send to the gone child: %v", err)
	res := conclude(m)
	label := "the receive after the last message"
	if o.End == "die" {
		label = "the receive that found the cut message (the child's pause included)"
	}
	res.Timing = []ev.Timing{{Label: label, D: time.Duration(m.ThirdWaitMs * float64(time.Millisecond))}}
	return res, nil
}

func conclude(m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	same := len(m.Sent) == len(m.Received)
	for i := range min(len(m.Sent), len(m.Received)) {
		same = same && m.Sent[i] == m.Received[i]
	}
	// A clean end must be reported at once. A cut message cannot be
	// reported before the child dies, which it does after its pause: that
	// receive's wait includes the pause, so only its report is checked.
	fast := m.End == "die" || m.ThirdWaitMs < ev.Ms(prompt)
	switch {
	case !same:
		res.Verdict = fmt.Sprintf("the child sent %q but the parent received %q — a bug in this demo", m.Sent, m.Received)
	case !m.Duplex:
		res.Verdict = "the child did not receive the parent's greeting: the pipe did not go both ways — a bug in this demo"
	case m.End == "close" && m.EndOfStream && len(m.Received) == 2 && fast:
		res.Observed = true
		res.Verdict = fmt.Sprintf("the parent received both messages, and receive #3 reported end of stream after %s: the child had closed its end", ev.Dur(time.Duration(m.ThirdWaitMs*float64(time.Millisecond))))
	case m.End == "die" && m.PeerDied && len(m.Received) == 1 && fast:
		res.Observed = true
		res.Verdict = "the parent received the first message, and receive #2 reported the child died in the middle of the second, instead of waiting for the rest"
	case !fast:
		res.Verdict = fmt.Sprintf("the end of the stream took %.0f ms to be reported, longer than %s: not \"at once\"", m.ThirdWaitMs, ev.Dur(prompt))
		res.Hint = "a quieter machine"
	default:
		res.Verdict = fmt.Sprintf("after %d messages the receive returned %q, not the expected end", len(m.Received), m.Third)
	}
	return res
}
