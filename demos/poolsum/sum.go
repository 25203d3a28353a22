package poolsum

// chunk is how many numbers a worker adds between two checks that it
// should keep going: a few milliseconds of work.
const chunk = 1 << 22

// Sum adds lo..hi (both included) one number at a time: the work the
// cookbook gives every worker. The compiler does not turn the loop into a
// formula; the formula is only used to check the answer. Every chunk it
// calls more (when not nil) and gives up, ok false, if more says so.
//
// Every mode calls this one function, and go:noinline keeps it one: when
// the compiler inlined a copy of it into the goroutines' closure, that
// copy's loop was laid out differently in memory and ran 2× slower than
// the sequential one on the same core — which hid the goroutines'
// speed-up. One copy of the machine code makes the comparison fair
// (BenchmarkSumKernel checks it).
//
//go:noinline
func Sum(lo, hi int64, more func() bool) (sum int64, ok bool) {
	for c := lo; c <= hi; c += chunk {
		if c > lo && more != nil && !more() {
			return 0, false
		}
		end := min(hi, c+chunk-1)
		for i := c; i <= end; i++ {
			sum += i
		}
	}
	return sum, true
}

// Formula is n(n+1)/2, the sum of 1..n. n(n+1) itself overflows an int64
// for n above about 3 billion even when the sum fits, so the even one of n
// and n+1 is halved before multiplying.
func Formula(n int64) int64 {
	if n%2 == 0 {
		return n / 2 * (n + 1)
	}
	return (n + 1) / 2 * n
}
