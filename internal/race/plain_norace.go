//go:build !race

package race

// PlainAvailable says whether the plain data race is compiled in. It is
// left out of -race builds: the race detector exists to stop exactly this.
const PlainAvailable = true

// plainLoop is n = n + d on a plain variable from several goroutines at
// once: a data race. Go promises nothing about a racy program; in practice
// the symptom is lost updates, and `go run -race` reports it.
func plainLoop(n *int64, d int64, j Job) {
	for i := range j.Count {
		v := *n
		j.Window.pause()
		*n = v + d
		if i%beatEvery == 0 && !j.alive() {
			return
		}
	}
}
