//go:build ignore

// Command racy is the plain data race of 'pardemo race --plain' as a
// program of its own, for the race detector: an adder and a subtractor
// change one counter with no synchronisation at all. 'pardemo race
// --plain --detector' builds it with 'go build -race', runs it, and
// explains the report. (The build tag keeps it out of pardemo itself:
// pardemo embeds this file as text.)
//
// The lines marked "the data race" are the ones the detector must name.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

// counter is shared by both goroutines and protected by nothing.
var counter int

func adder(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for range n {
		counter = counter + 1 // the data race
	}
}

func subtractor(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for range n {
		counter = counter - 1 // the data race
	}
}

func main() {
	n := 100_000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v > 0 {
			n = v
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go adder(n, &wg)
	go subtractor(n, &wg)
	wg.Wait()
	fmt.Printf("counter = %d\n", counter)
}
