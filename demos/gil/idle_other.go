//go:build !linux

package gil

// machineIdle is not measured here: the verdict then cannot tell a busy
// machine from cores left unused.
func machineIdle() (idle uint64, hz float64, ok bool) { return 0, 0, false }
