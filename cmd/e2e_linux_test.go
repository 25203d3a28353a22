package cmd_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
)

// tagged lists the processes whose environment contains tag: every process
// a pardemo run started inherits it, so after the run there must be none,
// not even a zombie left for init to reap.
func tagged(t *testing.T, tag string) []string {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", d.Name(), "environ"))
		if err != nil || !strings.Contains(string(env), tag) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		found = append(found, fmt.Sprintf("pid %d: %s", pid, strings.TrimSpace(string(stat))))
	}
	return found
}

// childPids are the pids the JSON events attribute to child processes.
func childPids(lines []string) map[int]bool {
	pids := map[int]bool{}
	for _, l := range lines {
		var ev struct {
			Type  string         `json:"type"`
			Attrs map[string]any `json:"attrs"`
		}
		if json.Unmarshal([]byte(l), &ev) == nil && ev.Type == "event" {
			if p, ok := ev.Attrs["pid"].(float64); ok {
				pids[int(p)] = true
			}
		}
	}
	return pids
}

// assertNoneLeft waits up to a second for the kernel to settle, then fails
// if a tagged process or a listed child pid (even a zombie) still exists.
func assertNoneLeft(t *testing.T, tag string, pids map[int]bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		var left []string
		left = append(left, tagged(t, tag)...)
		for pid := range pids {
			if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
				left = append(left, fmt.Sprintf("child pid %d: %s", pid, strings.TrimSpace(string(stat))))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left behind:\n%s", strings.Join(left, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A process scenario leaves no process behind, whether it ends normally or
// is interrupted in the middle; and the ticket database survives Ctrl-C.
func TestNoLeftoverProcesses(t *testing.T) {
	isChildEvent := func(l string) bool {
		return strings.HasPrefix(l, `{"type":"event",`) && strings.Contains(l, `"pid":`)
	}
	cases := []struct {
		name      string
		args      []string
		interrupt bool
	}{
		{"tickets", []string{"--speed", "100", "tickets", "--buyers", "4"}, false},
		{"tickets interrupted", []string{"--speed", "1", "tickets", "--buyers", "4"}, true},
		{"primes processes", []string{"pool", "primes", "--run-as", "processes", "--numbers", "1099726899285419,2", "--workers", "2"}, false},
		{"primes processes interrupted", []string{"pool", "primes", "--run-as", "processes", "--workers", "2",
			"--numbers", strings.Repeat("9223372036854775783,", 15) + "9223372036854775783"}, true},
		{"pool futures processes", []string{"pool", "futures", "--run-as", "processes", "--loops", "1000", "--repeat", "1"}, false},
		{"proc spawn interrupted", []string{"--speed", "1", "proc", "spawn"}, true},
		{"proc exec", []string{"--speed", "100", "proc", "exec"}, false},
		{"proc fork", []string{"--speed", "100", "proc", "fork"}, false},
		// proc daemon: grandchildren, and orphans of a killed parent; on
		// Ctrl-C the main process ends and reaps its children itself.
		{"proc daemon", []string{"--speed", "100", "proc", "daemon"}, false},
		{"proc daemon interrupted", []string{"--speed", "1", "proc", "daemon"}, true},
		{"proc kill", []string{"--speed", "100", "proc", "kill"}, false},
		{"proc kill interrupted", []string{"--speed", "1", "proc", "kill"}, true},
		{"proc print-lock interrupted", []string{"--speed", "1", "proc", "print-lock", "--lock"}, true},
		{"ipc queue", []string{"--speed", "100", "ipc", "queue", "--items", "3"}, false},
		{"ipc queue interrupted", []string{"--speed", "1", "ipc", "queue"}, true},
		{"ipc pipe", []string{"--speed", "100", "ipc", "pipe", "--end", "die"}, false},
		{"ipc pipe interrupted", []string{"--speed", "1", "ipc", "pipe"}, true},
		{"ipc manager", []string{"--speed", "100", "ipc", "manager"}, false},
		{"ipc shared", []string{"--speed", "100", "ipc", "shared", "--lock"}, false},
		{"ipc shared interrupted", []string{"--speed", "1", "ipc", "shared", "--count", "1000000"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tag := fmt.Sprintf("PARDEMO_E2E_TAG=%d-%s", os.Getpid(), strings.ReplaceAll(tc.name, " ", "-"))
			db := filepath.Join(t.TempDir(), "tickets.json")
			args := append([]string{"--json"}, tc.args...)
			if tc.args[2] == "tickets" {
				args = append(args, "--db", db)
			}
			if !tc.interrupt {
				r := runPardemoEnv(t, []string{tag}, args...)
				if r.code != 0 {
					t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
				}
				assertNoneLeft(t, tag, childPids(strings.Split(r.stdout, "\n")))
				return
			}
			r := interrupt(t, []string{tag}, isChildEvent, args...)
			if r.code != cmd.ExitInterrupted {
				t.Fatalf("exit %d after SIGINT, want %d; stderr:\n%s", r.code, cmd.ExitInterrupted, r.stderr)
			}
			pids := childPids(r.lines)
			if len(pids) == 0 {
				t.Fatal("no child process reported an event before the interrupt")
			}
			assertNoneLeft(t, tag, pids)
			if tc.args[2] == "tickets" {
				data, err := os.ReadFile(db)
				if err != nil {
					t.Fatalf("the ticket database is gone after Ctrl-C: %v", err)
				}
				if !json.Valid(data) {
					t.Fatalf("the ticket database is not valid JSON after Ctrl-C: %q", data)
				}
				if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "*")); len(left) > 2 {
					t.Errorf("files left next to the database (a temp file not cleaned up?): %v", left)
				}
			}
		})
	}
}
