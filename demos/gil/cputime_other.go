//go:build !unix

package gil

import "time"

// processCPU is not measured here: 0 means unknown, and the verdict then
// cannot tell a busy machine from stray timings.
func processCPU() time.Duration { return 0 }
