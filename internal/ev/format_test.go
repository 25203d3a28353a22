package ev

import (
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 1000000: "1,000,000"} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		500: "500ns", 1500: "1.5µs", 36100 * time.Microsecond: "36.1ms", 1340 * time.Millisecond: "1.34s",
		250 * time.Millisecond: "250ms", 90 * time.Second: "1m30s", -2 * time.Millisecond: "-2ms",
	} {
		if got := Dur(d); got != want {
			t.Errorf("Dur(%v) = %q, want %q", d, got, want)
		}
	}
	if Ms(1234567*time.Nanosecond) != 1.235 {
		t.Errorf("Ms = %v", Ms(1234567*time.Nanosecond))
	}
}
