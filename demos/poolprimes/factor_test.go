package poolprimes_test

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/pardemo/pardemo/demos/poolprimes"
)

// isqrtRef is ⌊√n⌋ by binary search on exact 128-bit squares: slow, obvious.
func isqrtRef(n uint64) uint64 {
	lo, hi := uint64(0), uint64(1)<<32 // hi² > any uint64
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if h, l := bits.Mul64(mid, mid); h == 0 && l <= n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

func TestIsqrt(t *testing.T) {
	check := func(n uint64) {
		if got, want := poolprimes.Isqrt(n), isqrtRef(n); got != want {
			t.Fatalf("Isqrt(%d) = %d, want %d", n, got, want)
		}
	}
	for n := range uint64(100_000) {
		check(n)
	}
	// Around perfect squares, where a float square root is most likely off
	// by one: at the top of the int64 range and of the uint64 range too.
	ks := []uint64{1 << 26, 1<<26 + 1, 94906265, 94906266, 1<<31 - 1, 1 << 31, 3037000499, 3037000500, 1<<32 - 1}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		ks = append(ks, r.Uint64N(1<<32))
	}
	for _, k := range ks {
		sq := k * k // wraps for k = 2³²-1 only past the top: k² < 2⁶⁴ here
		check(sq)
		check(sq - 1)
		if sq < math.MaxUint64 {
			check(sq + 1)
		}
	}
	for _, n := range []uint64{math.MaxInt64, math.MaxInt64 - 1, 1 << 62, math.MaxUint64, math.MaxUint64 - 1} {
		check(n)
	}
	for range 10_000 {
		check(r.Uint64())
	}
}

// isPrimeRef is math/big's primality test, which is exact below 2⁶⁴
// (Baillie-PSW has no known counterexample there, and none exists below 2⁶⁴).
func isPrimeRef(n int64) bool { return n >= 2 && big.NewInt(n).ProbablyPrime(20) }

// factored is a number given with its prime factors, so the expected
// smallest factor follows from the factorisation, checked with math/big.
type factored struct {
	n       int64
	factors []int64 // all of them, with repeats; empty for 0 and 1
	heavy   bool    // about a billion divisions
}

var edgeCases = []factored{
	{0, nil, false},
	{1, nil, false},
	{2, []int64{2}, false},
	{3, []int64{3}, false},
	{4, []int64{2, 2}, false},
	{9, []int64{3, 3}, false},
	{25, []int64{5, 5}, false},
	{49, []int64{7, 7}, false},
	{91, []int64{7, 13}, false},
	{97, []int64{97}, false},
	{1 << 62, nil, false}, // 2⁶²: filled in below
	{1000003 * 1000003, []int64{1000003, 1000003}, false},
	{1000003 * 1000033, []int64{1000003, 1000033}, false},
	{2147483647, []int64{2147483647}, false},                           // 2³¹ − 1, prime
	{3 * 2147483647, []int64{3, 2147483647}, false},                    // odd with a small factor
	{math.MaxInt64, []int64{7, 7, 73, 127, 337, 92737, 649657}, false}, // 2⁶³ − 1
	{112272535095293, []int64{112272535095293}, false},
	{1099726899285419, []int64{3306091, 332636609}, false},
	{3037000493 * 3037000493, []int64{3037000493, 3037000493}, true}, // the largest prime square in int64
	{9223372036854775783, []int64{9223372036854775783}, true},        // the largest int64 prime
}

func init() {
	for i := range edgeCases {
		if edgeCases[i].n == 1<<62 {
			for range 62 {
				edgeCases[i].factors = append(edgeCases[i].factors, 2)
			}
		}
	}
}

// expect derives (prime, smallest factor) from a factorisation after
// checking it: the factors multiply to n and each one is prime.
func expect(t *testing.T, c factored) (bool, int64) {
	t.Helper()
	if c.n < 2 {
		return false, 0
	}
	prod, low := big.NewInt(1), c.factors[0]
	for _, f := range c.factors {
		if !isPrimeRef(f) {
			t.Fatalf("test table: %d is not prime", f)
		}
		prod.Mul(prod, big.NewInt(f))
		low = min(low, f)
	}
	if prod.Cmp(big.NewInt(c.n)) != 0 {
		t.Fatalf("test table: factors of %d multiply to %s", c.n, prod)
	}
	return len(c.factors) == 1, low
}

func TestEdgeCases(t *testing.T) {
	var heavy []factored
	for _, c := range edgeCases {
		if c.heavy {
			heavy = append(heavy, c)
			continue
		}
		wantPrime, wantFactor := expect(t, c)
		if prime, f := poolprimes.IsPrime(c.n); prime != wantPrime || f != wantFactor {
			t.Errorf("IsPrime(%d) = %v, %d; want %v, %d", c.n, prime, f, wantPrime, wantFactor)
		}
	}
	if testing.Short() {
		t.Skip("-short: skipping the numbers that need a billion divisions")
	}
	// The two heavy ones side by side: a couple of seconds each.
	var wg sync.WaitGroup
	for _, c := range heavy {
		wantPrime, wantFactor := expect(t, c)
		wg.Go(func() {
			if prime, f := poolprimes.IsPrime(c.n); prime != wantPrime || f != wantFactor {
				t.Errorf("IsPrime(%d) = %v, %d; want %v, %d", c.n, prime, f, wantPrime, wantFactor)
			}
		})
	}
	wg.Wait()
}

// Every number below a bound against a sieve of smallest prime factors.
func TestAgainstSieve(t *testing.T) {
	const n = 200_000
	spf := make([]int64, n)
	for i := int64(2); i < n; i++ {
		if spf[i] == 0 {
			for j := i; j < n; j += i {
				if spf[j] == 0 {
					spf[j] = i
				}
			}
		}
	}
	for i := range int64(n) {
		prime, f := poolprimes.IsPrime(i)
		if f != spf[i] || prime != (i >= 2 && spf[i] == i) {
			t.Fatalf("IsPrime(%d) = %v, %d; the sieve says smallest factor %d", i, prime, f, spf[i])
		}
	}
}

// Random 41–44-bit numbers against math/big: primality agrees; a composite's
// factor is a prime divisor no larger than its square root.
func TestRandomAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 400 {
		n := int64(1<<40 + r.Uint64N(1<<44-1<<40))
		prime, f := poolprimes.IsPrime(n)
		if prime != isPrimeRef(n) {
			t.Fatalf("IsPrime(%d) = %v, math/big says %v", n, prime, !prime)
		}
		if !prime && (n%f != 0 || !isPrimeRef(f) || uint64(f) > poolprimes.Isqrt(uint64(n))) {
			t.Fatalf("IsPrime(%d): factor %d is not a prime divisor ≤ √n", n, f)
		}
	}
}

// The keep-going check stops a long division and is not called for a
// number that needs less than a chunk of divisors.
func TestSmallestFactorStops(t *testing.T) {
	calls := 0
	if _, ok := poolprimes.SmallestFactor(9223372036854775783, func() bool { calls++; return calls < 3 }); ok || calls != 3 {
		t.Errorf("ok %v after %d calls, want false after 3", ok, calls)
	}
	calls = 0
	if f, ok := poolprimes.SmallestFactor(1000003, func() bool { calls++; return false }); !ok || f != 1000003 || calls != 0 {
		t.Errorf("small prime: %d, %v, %d calls", f, ok, calls)
	}
}

func TestDivisions(t *testing.T) {
	for n, want := range map[int64]uint64{0: 0, 1: 0, 2: 1, 9: 2, 100: 6, math.MaxInt64: 3037000499/2 + 1} {
		if got := poolprimes.Divisions(n); got != want {
			t.Errorf("Divisions(%d) = %d, want %d", n, got, want)
		}
	}
}
