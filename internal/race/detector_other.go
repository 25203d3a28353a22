//go:build !unix

package race

import "os/exec"

// groupChild leaves cmd as it is: without process groups a cancelled
// context kills the go command itself (exec.CommandContext's default).
func groupChild(cmd *exec.Cmd) {}
