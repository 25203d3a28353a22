package ev

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Int formats n with thousands separators: 1000000 → "1,000,000".
func Int[T ~int | ~int64 | ~int32 | ~uint64 | ~uint32 | ~uint](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Dur formats a duration for people: three significant digits, a sensible unit.
func Dur(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + Dur(-d)
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return sig(float64(d)/float64(time.Microsecond)) + "µs"
	case d < time.Second:
		return sig(float64(d)/float64(time.Millisecond)) + "ms"
	case d < time.Minute:
		return sig(d.Seconds()) + "s"
	}
	return d.Round(time.Second).String()
}

// Ms is a duration in milliseconds, rounded to microseconds, for JSON.
func Ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

func sig(v float64) string {
	digits := 2
	switch {
	case v >= 100:
		digits = 0
	case v >= 10:
		digits = 1
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Float formats a ratio or factor compactly: 1.93, 12.4, 0.051.
func Float(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return "—"
	}
	if v != 0 && math.Abs(v) < 0.1 {
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	return sig(v)
}
