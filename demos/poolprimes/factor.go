package poolprimes

import (
	"math"
	"math/bits"
)

// chunk is how many odd divisors the trial division tries between two
// calls of its keep-going check: about a millisecond of work, so a
// cancelled run stops at once while the check costs nothing measurable.
const chunk = 1 << 19

// SmallestFactor finds the smallest factor of n greater than 1 by trial
// division: 2, then every odd number up to ⌊√n⌋. A prime is its own
// smallest factor; 0 and 1, which are neither prime nor composite, give 0.
//
// Every chunk of divisors it calls more (when not nil); if more returns
// false it gives up and reports ok false.
func SmallestFactor(n int64, more func() bool) (factor int64, ok bool) {
	if n < 2 {
		return 0, true
	}
	u := uint64(n) // unsigned division is a little cheaper, and n ≥ 2 here
	if u%2 == 0 {
		return 2, true
	}
	limit := Isqrt(u)
	for lo := uint64(3); lo <= limit; lo += 2 * chunk {
		if lo > 3 && more != nil && !more() {
			return 0, false
		}
		hi := min(limit, lo+2*chunk-2)
		// The hot loop: one division per odd candidate, nothing else.
		for d := lo; d <= hi; d += 2 {
			if u%d == 0 {
				return int64(d), true
			}
		}
	}
	return n, true
}

// IsPrime says whether n is prime, with its smallest factor (see
// SmallestFactor).
func IsPrime(n int64) (prime bool, factor int64) {
	f, _ := SmallestFactor(n, nil)
	return n >= 2 && f == n, f
}

// Isqrt is ⌊√n⌋ exactly. A float64 holds only 53 bits, so math.Sqrt of a
// 63-bit number may be off by one either way; the estimate is then
// corrected with exact integer arithmetic (a 128-bit square, so nothing
// overflows even at the top of the range).
func Isqrt(n uint64) uint64 {
	r := uint64(math.Sqrt(float64(n)))
	for r > 0 && squareAbove(r, n) {
		r--
	}
	for !squareAbove(r+1, n) {
		r++
	}
	return r
}

// squareAbove reports whether r² > n, without overflow.
func squareAbove(r, n uint64) bool {
	hi, lo := bits.Mul64(r, r)
	return hi > 0 || lo > n
}

// Divisions is an upper bound on the trial divisions n can need: one per
// odd number up to ⌊√n⌋. A prime needs all of them; a composite stops at
// its smallest factor.
func Divisions(n int64) uint64 {
	if n < 2 {
		return 0
	}
	return Isqrt(uint64(n))/2 + 1
}
