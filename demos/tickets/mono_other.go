//go:build !unix

package tickets

// monoNs is 0 where there is no CLOCK_MONOTONIC to read (the buyers do
// not run here: see proc.Supported).
func monoNs() int64 { return 0 }
