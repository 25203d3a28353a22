// Package asyncexecutor is scenario A6: blocking calls made from an event
// loop stall it, unless they run in an executor — a goroutine pool for
// file IO, a process pool for CPU work — while a ticker keeps ticking.
package asyncexecutor

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/bits"
	"os"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/asyncenv"
	"github.com/pardemo/pardemo/internal/ev"
	"github.com/pardemo/pardemo/internal/loop"
	"github.com/pardemo/pardemo/internal/proc"
)

//go:embed lesson.md
var lesson string

const (
	// tick is the ticker's period, story seconds.
	tick = 0.1
	// pause is how long main lets the ticker tick before and after the calls
	// (a story beat: long enough to see the ticker keep its beat).
	pause = 1.0
	// lateShown is how far past its period (story seconds) a tick may come
	// and still count as the loop being responsive.
	lateShown = 0.15
	// blockedTicks: a gap of this many periods or more is a visibly
	// stalled loop.
	blockedTicks = 3
	roleWorker   = "async/executor-worker"
)

// Options are the scenario's knobs.
type Options struct {
	IOMiB      int  // MiB read from /dev/urandom: the blocking file IO
	Below      int  // the CPU-bound job: the sum of i² for i below this
	NoExecutor bool // make the calls on the loop only, blocking it
}

// Metrics are what the scenario measured.
type Metrics struct {
	TickStory  float64 `json:"tick_s"`      // the ticker's period, story seconds
	IOBytes    int64   `json:"io_bytes"`    // bytes each blocking read returned
	IOSource   string  `json:"io_source"`   // what was read: /dev/urandom, or the OS's random source where there is none
	Below      int     `json:"below"`       // the CPU job summed i² for i below this
	SumSquares string  `json:"sum_squares"` // its result (above 2⁶⁴ for the cookbook's 10,000,000), checked against (n−1)n(2n−1)/6
	SumOK      bool    `json:"sum_ok"`      // every run of the CPU job agreed with the formula
	Executor   *Phase  `json:"executor"`    // the calls awaited in executors (null with --no-executor)
	Blocking   Phase   `json:"blocking"`    // the same calls made on the loop
	WorkerPids []int   `json:"worker_pids"` // the process pool's worker ([] with --no-executor)
	MaxHolders int     `json:"max_holders"` // most goroutines ever running loop code at once: 1
	Tolerance  float64 `json:"tolerance_s"` // how far past its period a tick may come with executors: 0.15 story-seconds or 15 ms of real time, the larger
}

// Phase is one way of making the two calls.
type Phase struct {
	IOMs     float64 `json:"io_ms"`     // how long the blocking read took
	CPUMs    float64 `json:"cpu_ms"`    // how long the CPU job took where it ran (with the pool: round trip included)
	Ticks    int     `json:"ticks"`     // ticks during the phase
	MaxGap   float64 `json:"max_gap_s"` // the largest gap between two ticks, story seconds
	BlockedS float64 `json:"blocked_s"` // how long the calls held the loop, story seconds (0 in executors)
	LongestS float64 `json:"longest_s"` // the longest any callback or task step held the loop in this phase, story seconds
}

// New returns the scenario.
func New() demos.Demo {
	return demos.Scenario[Options, Metrics]{
		Name: "async executor", ID: "A6",
		Title:  "Blocking calls stall the loop unless they run in an executor",
		Speed:  5, // pacing (issue 13): 1–6 s; a 0.1 story-s tick is 20 ms, so the 0.1–0.2 s of real blocking work spans 5–10 ticks
		Python: "loop.run_in_executor with ThreadPoolExecutor and ProcessPoolExecutor",
		Go:     "just call it in a goroutine: a blocking goroutine never stalls the others",
		Knobs: func(k *demos.Knobs, o *Options) {
			k.Int(&o.IOMiB, "io-mib", "MiB read from /dev/urandom as the blocking file IO (the cookbook reads 100 bytes)", 32, 1, 256)
			k.Int(&o.Below, "below", "the CPU-bound job sums i² for i below this (the cookbook: 10,000,000)", 10_000_000, 2, 1_000_000_000)
			k.Bool(&o.NoExecutor, "no-executor", "make the calls on the loop only: it blocks")
		},
		Explain: lesson,
		Lesson:  []string{"demos/asyncexecutor/asyncexecutor.go", "internal/loop/executor.go"},
		Outcomes: []demos.Outcome[Options, Metrics]{
			{Name: "responsive vs blocked", Class: demos.Interesting, Desc: "the ticker kept its beat with executors and stalled without",
				When: func(o *Options, m Metrics) bool { return m.SumOK && responsive(m) && blocked(m) }},
			{Name: "blocked", Class: demos.Interesting, Desc: "--no-executor: the calls on the loop stalled the ticker",
				When: func(o *Options, m Metrics) bool { return m.SumOK && o.NoExecutor && blocked(m) }},
			{Name: "too short to see", Class: demos.Acceptable, Desc: "the blocking calls were too short to stall the ticker visibly",
				When: func(o *Options, m Metrics) bool {
					return m.SumOK && !blocked(m) && m.Blocking.BlockedS < visible(m)
				}},
			{Name: "late ticks", Class: demos.Acceptable, Desc: "with executors the ticks still came late: a busy machine",
				When: func(o *Options, m Metrics) bool { return m.SumOK && !o.NoExecutor && !responsive(m) }},
			{Name: "wrong", Class: demos.Forbidden, Desc: "a wrong sum, or a blocked loop that did not stall the ticker",
				When: func(o *Options, m Metrics) bool { return true }},
		},
		Children: map[string]demos.ChildRole{roleWorker: worker},
		Run:      run,
		Quiz:     quiz,
	}.Demo()
}

// SumSquares is the CPU-bound job's kernel: Σ i² for from ≤ i < to, in
// 128 bits (hi, lo). Both ways run it, on the loop or in a worker process.
//
//go:noinline
func SumSquares(from, to int64) (hi, lo uint64) {
	for i := uint64(max(from, 0)); i < uint64(max(to, 0)); i++ {
		h, l := bits.Mul64(i, i)
		var c uint64
		lo, c = bits.Add64(lo, l, 0)
		hi += h + c
	}
	return hi, lo
}

// chunk is how many squares are summed between two beats: the watchdog
// hears that a long sum is busy, not stuck (it cannot tell otherwise
// while the loop is held).
const chunk = 20_000_000

// sumBelow is Σ i² for i < below, in chunks; between them it beats and
// asks whether to go on (a stopped run does not wait for a long sum).
func sumBelow(below int64, beat func() bool) (hi, lo uint64, ok bool) {
	for from := int64(0); from < below; from += chunk {
		h, l := SumSquares(from, min(from+chunk, below))
		var c uint64
		lo, c = bits.Add64(lo, l, 0)
		hi += h + c
		if !beat() {
			return hi, lo, false
		}
	}
	return hi, lo, true
}

// blockingIO is the blocking file IO: read n bytes of /dev/urandom (the
// cookbook's file), or of the OS's random source where there is none,
// beating every MiB and asking whether to go on.
func blockingIO(n int64, beat func() bool) (int64, string, error) {
	var src io.Reader = rand.Reader
	name := "the OS random source"
	if f, err := os.Open("/dev/urandom"); err == nil {
		defer f.Close()
		src, name = f, "/dev/urandom"
	}
	var got int64
	for got < n {
		k, err := io.CopyN(io.Discard, src, min(n-got, 1<<20))
		got += k
		if err != nil {
			return got, name, err
		}
		if !beat() {
			return got, name, errStopped
		}
	}
	return got, name, nil
}

// errStopped ends a blocking call of a stopped run early.
var errStopped = errors.New("stopped")

type task struct {
	Below int64 `json:"below"`
}

type reply struct {
	Hi, Lo uint64
}

// worker is the body of the process pool's worker: it answers sums until
// its standard input closes.
func worker(ctx context.Context, self *proc.Self) error {
	return self.Work(ctx, func(ctx context.Context, raw json.RawMessage) (any, error) {
		var t task
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, err
		}
		hi, lo, ok := sumBelow(t.Below, func() bool { self.Beat(); return ctx.Err() == nil })
		if !ok {
			return nil, demos.Stopped(ctx)
		}
		return reply{hi, lo}, nil
	})
}

// ticker ticks every period and remembers the largest gap since reset.
type ticker struct {
	l      *loop.Loop
	env    *demos.Env
	last   float64
	ticks  int
	maxGap float64
}

func (t *ticker) reset() { t.last, t.ticks, t.maxGap = t.l.Time(), 0, 0 }

func (t *ticker) run(co *loop.Co) (struct{}, error) {
	t.reset()
	for {
		if err := co.Sleep(tick); err != nil {
			return struct{}{}, err
		}
		now := t.l.Time()
		gap := now - t.last
		t.last, t.ticks, t.maxGap = now, t.ticks+1, max(t.maxGap, gap)
		if gap >= blockedTicks*tick {
			t.env.Log(co.Name(), ev.Warn, fmt.Sprintf("tick %d came %.2f story-seconds after the one before: the loop was held", t.ticks, gap), "gap_s", round(gap))
		}
	}
}

func run(ctx context.Context, env *demos.Env, o *Options) (ev.Result, error) {
	m := Metrics{TickStory: tick, Below: o.Below, SumOK: true, WorkerPids: []int{},
		Tolerance: round(asyncenv.Tolerance(env, lateShown, 15*time.Millisecond))}
	var pool *proc.Pool
	if !o.NoExecutor {
		var err error
		if pool, err = env.NewPool(ctx, 1, roleWorker, "pool", nil); err != nil {
			return ev.Result{}, err
		}
		defer pool.Kill()
		if _, err := pool.Do(ctx, task{Below: 1}, nil); err != nil { // up and answering
			return ev.Result{}, err
		}
		m.WorkerPids = pool.Pids()
		env.Logf("main", ev.Start, "process pool up: worker pid %d", m.WorkerPids[0])
	}
	// beat tells the watchdog a long blocking call is busy, and stops it
	// early if the run was stopped.
	beat := func() bool { env.Beat(); return ctx.Err() == nil }
	threads := loop.NewPool(2)
	defer threads.Close()

	l := asyncenv.Loop(env)
	tk := &ticker{l: l, env: env}
	want := formula(int64(o.Below))
	check := func(hi, lo uint64) {
		got := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
		got.Or(got, new(big.Int).SetUint64(lo))
		m.SumSquares = got.String()
		m.SumOK = m.SumOK && got.Cmp(want) == 0
	}
	// onePhase makes the two calls, in executors or on the loop, and
	// measures the ticker meanwhile.
	onePhase := func(co *loop.Co, inExecutor bool) (Phase, error) {
		var p Phase
		if err := co.Sleep(pause); err != nil {
			return p, err
		}
		tk.reset()
		var heldFrom time.Duration
		if inExecutor {
			env.Logf(co.Name(), ev.Send, "await run_in_executor(threads, read %d MiB of urandom)", o.IOMiB)
			io, err := loop.Await(co, loop.RunInExecutor(l, threads, func() (Phase, error) {
				begin := env.Now()
				n, src, err := blockingIO(int64(o.IOMiB)<<20, beat)
				m.IOBytes, m.IOSource = n, src
				return Phase{IOMs: ev.Ms(env.Now() - begin)}, err
			}))
			if err != nil {
				return p, err
			}
			p.IOMs = io.IOMs
			env.Logf(co.Name(), ev.Recv, "read done in %s ms on a pool goroutine; now await run_in_executor(processes, sum of squares)", ev.Float(p.IOMs))
			cpu, err := loop.Await(co, loop.RunInExecutor(l, threads, func() (Phase, error) {
				begin := env.Now()
				var r reply
				_, err := pool.Do(ctx, task{Below: int64(o.Below)}, &r)
				check(r.Hi, r.Lo)
				return Phase{CPUMs: ev.Ms(env.Now() - begin)}, err
			}))
			if err != nil {
				return p, err
			}
			p.CPUMs = cpu.CPUMs
			env.Logf(co.Name(), ev.Recv, "sum of squares back from pid %d in %s ms", m.WorkerPids[0], ev.Float(p.CPUMs))
		} else {
			env.Logf(co.Name(), ev.Step, "read %d MiB of urandom and sum the squares right here, on the loop", o.IOMiB)
			heldFrom = env.Now()
			n, src, err := blockingIO(int64(o.IOMiB)<<20, beat) // blocks the loop
			if err != nil {
				return p, err
			}
			m.IOBytes, m.IOSource = n, src
			p.IOMs = ev.Ms(env.Now() - heldFrom)
			mid := env.Now()
			hi, lo, ok := sumBelow(int64(o.Below), beat) // blocks the loop too
			if !ok {
				return p, errStopped
			}
			check(hi, lo)
			p.CPUMs = ev.Ms(env.Now() - mid)
			p.BlockedS = round((env.Now() - heldFrom).Seconds() * env.Speed)
			env.Logf(co.Name(), ev.Step, "both calls done: the loop was held %.2f story-seconds (read %s ms, sum %s ms)", p.BlockedS, ev.Float(p.IOMs), ev.Float(p.CPUMs))
		}
		if err := co.Sleep(pause); err != nil {
			return p, err
		}
		p.Ticks, p.MaxGap = tk.ticks, round(tk.maxGap)
		return p, nil
	}
	var runErr error
	loop.Go(l, "main", func(co *loop.Co) (struct{}, error) {
		tickerTask := loop.Go(l, "ticker", tk.run)
		defer tickerTask.Cancel()
		if !o.NoExecutor {
			env.Phase("A: the calls in executors, awaited: the loop stays free")
			p, err := onePhase(co, true)
			if err != nil {
				runErr = err
				return struct{}{}, err
			}
			p.LongestS = round(l.Stats().LongestRun.Seconds() * env.Speed)
			m.Executor = &p
			env.Logf(co.Name(), ev.Note, "%d ticks, largest gap %.2f story-seconds", p.Ticks, p.MaxGap)
		}
		env.Phase("B: the same calls made on the loop: it blocks")
		p, err := onePhase(co, false)
		if err != nil {
			runErr = err
			return struct{}{}, err
		}
		p.LongestS = round(l.Stats().LongestRun.Seconds() * env.Speed)
		m.Blocking = p
		env.Logf(co.Name(), ev.Note, "%d ticks, largest gap %.2f story-seconds", p.Ticks, p.MaxGap)
		return struct{}{}, nil
	})
	if err := asyncenv.Run(ctx, l); err != nil {
		return ev.Result{}, err
	}
	if ctx.Err() != nil {
		return ev.Result{}, demos.Stopped(ctx)
	}
	if runErr != nil {
		return ev.Result{}, runErr
	}
	m.MaxHolders = l.Stats().MaxHolders
	if pool != nil {
		if err := pool.Close(); err != nil {
			return ev.Result{}, err
		}
	}
	return conclude(env, o, m), nil
}

// formula is Σ i² for i < n: (n−1)n(2n−1)/6.
func formula(n int64) *big.Int {
	a, b, c := big.NewInt(n-1), big.NewInt(n), big.NewInt(2*n-1)
	a.Mul(a, b).Mul(a, c)
	return a.Quo(a, big.NewInt(6))
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }

// visible is how long a hold must be to count as a stalled loop: a few
// ticks, and well above the machine's jitter.
func visible(m Metrics) float64 { return max(blockedTicks*tick, 2*m.Tolerance) }

// responsive: with the executors, no tick came more than the tolerance past
// its period.
func responsive(m Metrics) bool { return m.Executor != nil && m.Executor.MaxGap <= tick+m.Tolerance }

// blocked: on the loop, the calls held it for at least blockedTicks
// periods, and the ticker's largest gap covered that hold.
func blocked(m Metrics) bool {
	b := m.Blocking
	return b.BlockedS >= visible(m) && b.MaxGap >= b.BlockedS-0.01
}

func conclude(env *demos.Env, o *Options, m Metrics) ev.Result {
	res := ev.Result{Metrics: m}
	if m.Executor != nil {
		res.Timing = append(res.Timing, ev.Timing{Label: "A: largest tick gap, executors", D: env.Story(m.Executor.MaxGap)})
	}
	res.Timing = append(res.Timing, ev.Timing{Label: "B: largest tick gap, on the loop", D: env.Story(m.Blocking.MaxGap)},
		ev.Timing{Label: "B: the calls held the loop", D: env.Story(m.Blocking.BlockedS)})
	b := m.Blocking
	switch {
	case !m.SumOK:
		res.Verdict = fmt.Sprintf("the sum of squares below %d came out %s, not %s", m.Below, m.SumSquares, formula(int64(m.Below)))
	case m.MaxHolders != 1:
		res.Verdict = fmt.Sprintf("%d goroutines ran loop code at once: the loop is broken", m.MaxHolders)
	case b.BlockedS >= visible(m) && b.MaxGap < b.BlockedS-0.01:
		res.Verdict = fmt.Sprintf("the calls held the loop %.2f story-seconds, yet the largest tick gap was %.2f: a tick ran while the loop was held", b.BlockedS, b.MaxGap)
	case !blocked(m):
		res.Verdict = fmt.Sprintf("on the loop the calls took only %.2f story-seconds (read %s ms, sum %s ms), too short to stall a %g-second ticker visibly",
			b.BlockedS, ev.Float(b.IOMs), ev.Float(b.CPUMs), tick)
		res.Hint = "--io-mib 256 or --below 500000000, or a higher --speed"
	case !o.NoExecutor && !responsive(m):
		res.Verdict = fmt.Sprintf("on the loop the calls stalled the ticker %.2f story-seconds, but even with executors a tick came %.2f after the one before: the machine could not keep this pace",
			b.MaxGap, m.Executor.MaxGap)
		res.Hint = "a lower --speed, or a less busy machine"
	case o.NoExecutor:
		res.Observed = true
		res.Verdict = fmt.Sprintf("made on the loop, the read (%s ms) and the sum of squares (%s ms) held it %.2f story-seconds: the ticker's largest gap was %.2f, not %g",
			ev.Float(b.IOMs), ev.Float(b.CPUMs), b.BlockedS, b.MaxGap, tick)
	default:
		res.Observed = true
		res.Verdict = fmt.Sprintf("in executors the read (%s ms, a pool goroutine) and the sum of squares (%s ms, worker process) left the ticker's largest gap at %.2f story-seconds; made on the loop they held it %.2f and the gap grew to %.2f",
			ev.Float(m.Executor.IOMs), ev.Float(m.Executor.CPUMs), m.Executor.MaxGap, b.BlockedS, b.MaxGap)
	}
	return res
}
