//go:build race

package race

// PlainAvailable is false in -race builds (see plain_norace.go).
const PlainAvailable = false

func plainLoop(n *int64, d int64, j Job) {}
