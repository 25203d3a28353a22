// Command pardemo is a concurrency teaching lab: every scenario of a Python
// parallel-programming cookbook, run for real in Go, with a verdict that
// checks the lesson against what happened.
package main

import (
	"embed"
	"os"

	"github.com/pardemo/pardemo/cmd"
)

// source is the project's own code, for `pardemo source` (a lesson shows
// the code it is about) and for the docs generator (metric comments).
//
//go:embed demos internal
var source embed.FS

func main() { os.Exit(cmd.Main(source)) }
