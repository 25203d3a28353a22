package gil

import (
	"bytes"
	"os"
	"strconv"
)

// machineIdle reads the whole machine's idle CPU time so far (idle and
// iowait, all CPUs, from /proc/stat), in clock ticks of 1/100 s, and the
// ticks per second; ok is false when it cannot be read.
func machineIdle() (idle uint64, hz float64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 6 || string(f[0]) != "cpu" {
		return 0, 0, false
	}
	for _, i := range []int{4, 5} { // idle, iowait
		n, err := strconv.ParseUint(string(f[i]), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		idle += n
	}
	return idle, 100, true // USER_HZ is 100 on every Linux architecture Go supports
}
