// Command pardemo is a concurrency teaching lab: every scenario of a Python
// parallel-programming cookbook, run for real in Go, with a verdict that
// checks the lesson against what happened.
package main

import (
	"os"

	"github.com/pardemo/pardemo/cmd"
)

func main() { os.Exit(cmd.Main()) }
