package proc

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// PrintRole is a role built into Serve that does not speak the protocol:
// the binary started (or Exec'd) with EnvRole set to it writes its
// command-line words after "child proc/print" to standard output as one
// line and exits 0; a word "{pid}" is replaced by its process id. It is
// the "other program" a child can become without depending on what the
// system has installed.
const PrintRole = "proc/print"

func servePrint(args []string, out io.Writer) int {
	words := slices.Clone(args[min(3, len(args)):])
	for i, w := range words {
		if w == "{pid}" {
			words[i] = strconv.Itoa(os.Getpid())
		}
	}
	if _, err := fmt.Fprintln(out, strings.Join(words, " ")); err != nil {
		return 1
	}
	return 0
}

// PrintCommand returns the path, argument vector and environment that run
// this binary in PrintRole printing words: what to hand to Exec.
func PrintCommand(words ...string) (path string, argv, env []string, err error) {
	if path, err = os.Executable(); err != nil {
		return "", nil, nil, err
	}
	argv = append([]string{path, "child", PrintRole}, words...)
	// execve does not drop duplicate variables the way os/exec does, and
	// Go's Getenv reads the first: leave out the ones being replaced.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != EnvRole && k != envControl && k != envFiles {
			env = append(env, kv)
		}
	}
	env = append(env, EnvRole+"="+PrintRole)
	return path, argv, env, nil
}
