package poolfutures

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/internal/pool"
	"github.com/pardemo/pardemo/internal/proc"
)

// The benchmarks behind the lesson's figures: the cookbook's job — count(x)
// for x = 0..9, 10,000,000 rounds each — one loop, a goroutine pool of 5,
// and a process pool of 5 started once outside the timed loop.
//
//	go test -run '^$' -bench Count -benchtime 20x ./demos/poolfutures/
//
// sequential ns/op ÷ pool ns/op is the speed-up; on 2 CPUs the goals are
// ≥ 1.9× (goroutines) and ≥ 1.8× (processes).

func cookbookTasks() []task {
	ts := make([]task, 10)
	for x := range ts {
		ts[x] = task{X: int64(x), Loops: Loops}
	}
	return ts
}

func BenchmarkCountSequential(b *testing.B) {
	ts := cookbookTasks()
	for b.Loop() {
		for _, t := range ts {
			if v, _ := Count(t.Loops, t.X, nil); v != Loops*t.X {
				b.Fatal("wrong count")
			}
		}
	}
}

func drain(b *testing.B, p *pool.Pool[task, reply], ts []task) {
	var fs []*pool.Future[reply]
	for _, t := range ts {
		fs = append(fs, p.Submit(t))
	}
	for f := range pool.AsCompleted(fs) {
		r, err := f.Result(context.Background())
		if err != nil || r.Value != Loops*r.X {
			b.Fatal("wrong count", err)
		}
	}
}

func BenchmarkCountGoroutinePool5(b *testing.B) {
	ts := cookbookTasks()
	ctx := context.Background()
	count := func(ctx context.Context, t task) (reply, error) {
		v, _ := Count(t.Loops, t.X, nil)
		return reply{X: t.X, Value: v}, nil
	}
	for b.Loop() { // a fresh pool each time, as the scenario makes one per run
		p := pool.New(ctx, 5, count)
		drain(b, p, ts)
		p.Close()
		_ = p.Join()
	}
}

func BenchmarkCountProcessPool5(b *testing.B) {
	if err := proc.Supported(); err != nil {
		b.Skip(err)
	}
	ts := cookbookTasks()
	ctx := context.Background()
	procs, err := proc.NewPool(ctx, 5, proc.Spec{Role: roleCounter, Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer procs.Kill()
	p := pool.OverProcesses[task, reply](ctx, procs)
	if _, err := p.Map(ctx, make([]task, 5)); err != nil { // every process up and answering
		b.Fatal(err)
	}
	for b.Loop() { // b.Loop times only this loop: the pool is already up
		drain(b, p, ts)
	}
	p.Close()
	_ = p.Join()
	if err := procs.Close(); err != nil {
		b.Fatal(err)
	}
}

// The compiler's own word that the kernel stays one function: its
// inlining report (-gcflags=-m=2) must say Count cannot be inlined. A test
// rather than a timing assertion: it fails the moment go:noinline goes.
func TestCountIsNotInlined(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to ask")
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Skipf("go build -gcflags=-m=2: %v\n%.2000s", err, out)
	}
	if !strings.Contains(string(out), "cannot inline Count: marked go:noinline") {
		t.Errorf("the compiler does not report Count as kept out of line (go:noinline): every mode must run one copy of the kernel")
	}
}
