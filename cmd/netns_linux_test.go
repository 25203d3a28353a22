package cmd_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The network lessons need nothing but loopback: run in a network
// namespace of their own, where 127.0.0.1 is the only address there is
// and no name resolves, they still show their lesson, and the lab's dial
// guard saw nothing but loopback. Skipped where unprivileged user and
// network namespaces are not allowed (or `ip` is missing).
func TestNetworkLessonsNeedOnlyLoopback(t *testing.T) {
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("no ip command to bring up loopback in a new namespace")
	}
	if err := exec.Command("unshare", "-rn", "true").Run(); err != nil {
		t.Skipf("cannot make a network namespace here: %v", err)
	}
	path, err := pardemoPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pool", "fetch", "--speed", "100"},
		{"echo", "--clients", "50", "--rounds", "20"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// In the new namespace loopback starts down: bring it up, then
			// run pardemo in place of the shell.
			script := ip + ` link set lo up && exec "$0" "$@"`
			c := exec.CommandContext(ctx, "unshare", append([]string{"-rn", "sh", "-c", script, path, "--json"}, args...)...)
			out, err := c.Output()
			if err != nil {
				t.Fatalf("pardemo %q in a loopback-only namespace: %v\n%s", args, err, out)
			}
			res := string(out)
			for _, want := range []string{`"type":"result"`, `"lesson_observed":true`, `"off_machine_dials":0`} {
				if !strings.Contains(res, want) {
					t.Errorf("pardemo %q: no %s in\n%s", args, want, res)
				}
			}
		})
	}
}
