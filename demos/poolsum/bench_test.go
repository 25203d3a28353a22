package poolsum

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// BenchmarkSumKernel runs the one kernel the same way twice — called by
// the benchmark's own goroutine, and called from inside a goroutine's
// closure, as the goroutine mode does — over the same n on one core.
// The two ns/op must agree within noise: when the compiler inlined Sum
// into the goroutines' closure, that copy's loop ran 2× slower than the
// sequential copy (a loop-alignment effect), and the goroutine mode showed
// no speed-up at all. Remove the go:noinline on Sum and compare.
//
//	go test -run '^$' -bench SumKernel -benchtime 20x -count 3 ./demos/poolsum/
func BenchmarkSumKernel(b *testing.B) {
	const n = 100_000_000
	want := Formula(n)
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if s, _ := Sum(1, n, nil); s != want {
				b.Fatal("wrong sum")
			}
		}
	})
	b.Run("in-goroutine-closure", func(b *testing.B) {
		for b.Loop() {
			done := make(chan int64)
			go func() {
				s, _ := Sum(1, n, nil)
				done <- s
			}()
			if <-done != want {
				b.Fatal("wrong sum")
			}
		}
	})
}

// BenchmarkSumModes is the scenario's own comparison without the
// framework: one loop over 1..n against 8 slices on 8 goroutines.
func BenchmarkSumModes(b *testing.B) {
	const n = 100_000_000
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			Sum(1, n, nil)
		}
	})
	b.Run("goroutines-8", func(b *testing.B) {
		spans := split(n, 8)
		for b.Loop() {
			parts := make(chan int64, len(spans))
			for _, s := range spans {
				go func() { v, _ := Sum(s.Lo, s.Hi, nil); parts <- v }()
			}
			var total int64
			for range spans {
				total += <-parts
			}
			if total != Formula(n) {
				b.Fatal("wrong sum")
			}
		}
	})
}

// The compiler's own word that the kernel stays one function: its
// inlining report (-gcflags=-m=2) must say Sum cannot be inlined. A test
// rather than a timing assertion: it fails the moment go:noinline goes.
func TestSumIsNotInlined(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to ask")
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Skipf("go build -gcflags=-m=2: %v\n%.2000s", err, out)
	}
	if !strings.Contains(string(out), "cannot inline Sum: marked go:noinline") {
		t.Errorf("the compiler does not report Sum as kept out of line (go:noinline): every mode must run one copy of the kernel")
	}
}
