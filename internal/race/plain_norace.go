//go:build !race

package race

// PlainAvailable says whether the plain data race is compiled in. It is
// left out of -race builds: the race detector exists to stop exactly this.
const PlainAvailable = true

// addPlain is n = n + d on a plain variable from several goroutines at
// once: a data race. Go promises nothing about a racy program; in practice
// the symptom is lost updates, and `go run -race` reports it.
func addPlain(n *int64, d int64, k int, w Window) {
	for range k {
		v := *n
		w.pause()
		*n = v + d
	}
}
