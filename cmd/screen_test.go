package cmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/cmd"
	"github.com/pardemo/pardemo/internal/ui"
)

// runWith runs pardemo in-process with streams that may pretend to be a
// terminal, and input for a pause.
func runWith(t *testing.T, outTTY, inTTY bool, input string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	streams, out, errb := ui.Test()
	streams.OutTTY, streams.InTTY = outTTY, inTTY
	streams.In = strings.NewReader(input)
	streams.Width = func() int { return 80 }
	code = cmd.Run(ctx, args, streams, repoFS)
	return out.String(), errb.String(), code
}

// `list` shows every registered scenario, in the registry's order, under
// its chapter.
func TestListFollowsTheRegistry(t *testing.T) {
	out, _, code := runInProcess(t, "list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var listed []string
	for _, l := range strings.Split(out, "\n") {
		for _, d := range cmd.Registry() {
			if strings.HasPrefix(l, "  "+d.Name+" ") && strings.Contains(l, " "+d.ID+" ") {
				listed = append(listed, d.Name)
			}
		}
	}
	var want []string
	for _, d := range cmd.Registry() {
		want = append(want, d.Name)
	}
	if !slices.Equal(listed, want) {
		t.Errorf("list shows %q,\nthe registry has %q", listed, want)
	}
}

// completion completes: a choice knob's values, a global choice, a
// grouped name word by word, and no file names for a number.
func TestCompleteValuesAndNames(t *testing.T) {
	complete := func(args ...string) []string {
		t.Helper()
		out, _, code := runInProcess(t, append([]string{"__complete"}, args...)...)
		if code != 0 {
			t.Fatalf("__complete %q: exit %d", args, code)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, ":") {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			} else if l != ":4" { // ShellCompDirectiveNoFileComp
				t.Errorf("__complete %q: directive %s, want :4 (no file names)", args, l)
			}
		}
		return got
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"race", "--protect", ""}, []string{"none", "mutex", "atomic", "channel"}},
		{[]string{"race", "--window", ""}, []string{"auto", "none", "spin", "yield"}},
		{[]string{"race", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"queue", "--kind", ""}, []string{"fifo", "lifo", "priority"}},
		{[]string{"download", "--run-as", ""}, []string{"both", "goroutines", "processes"}},
		{[]string{"explain", "thread", ""}, []string{"start", "join", "daemon", "timer"}},
		{[]string{"explain", "th"}, []string{"thread"}},
		{[]string{"race", "--count", ""}, nil},
	} {
		if got := complete(tc.args...); !slices.Equal(got, tc.want) && !(tc.want == nil && len(got) == 0) {
			t.Errorf("__complete %q = %q, want %q", tc.args, got, tc.want)
		}
	}
	// A lab command offers only the global flags it takes.
	if got := complete("list", "--"); slices.Contains(got, "--seed") || !slices.Contains(got, "--json") {
		t.Errorf("__complete list -- = %q: want --json, not --seed", got)
	}
	if got := complete("race", "--"); !slices.Contains(got, "--seed") {
		t.Errorf("__complete race -- = %q: want --seed", got)
	}
	// Every registered name can be completed word by word.
	for _, d := range cmd.Registry() {
		words := strings.Fields(d.Name)
		for i, w := range words {
			if got := complete(append(append([]string{"explain"}, words[:i]...), w[:1])...); !slices.Contains(got, w) {
				t.Errorf("explain %s<TAB>: %q lacks %q", strings.Join(append(words[:i:i], w[:1]), " "), got, w)
			}
		}
	}
}

// shellWords splits a line as a POSIX shell does, for what Replay writes:
// words, single quotes, '\” escapes and a backslash-newline continuation.
func shellWords(s string) []string {
	s = strings.ReplaceAll(s, "\\\n", " ")
	var out []string
	var cur strings.Builder
	in, quoted, has := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in && c == '\'':
			in = false
		case in:
			cur.WriteByte(c)
		case c == '\'':
			in, quoted = true, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == ' ' || c == '\n' || c == '\t':
			if cur.Len() > 0 || quoted {
				out = append(out, cur.String())
			}
			cur.Reset()
			quoted = false
			continue
		default:
			cur.WriteByte(c)
		}
		has = true
	}
	if cur.Len() > 0 || quoted || (has && false) {
		out = append(out, cur.String())
	}
	return out
}

// The replay line re-runs exactly: copied from a run's title card (wrapped
// on a terminal or not), it gives the same knobs and seed, also for a
// false bool and a path with spaces and a quote in it.
func TestReplayRunsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my tickets' dir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "tickets db.json")
	for _, args := range [][]string{
		{"race", "--lock=false", "--count", "1000", "--protect", "none", "--speed", "1000"},
		{"tickets", "--db", db, "--buyers", "2", "--speed", "1000"},
	} {
		for _, tty := range []bool{false, true} {
			out, stderr, code := runWith(t, tty, false, "", args...)
			if code != 0 {
				t.Fatalf("%q: exit %d: %s", args, code, stderr)
			}
			var replay []string
			lines := strings.Split(out, "\n")
			for i, l := range lines {
				if r, ok := strings.CutPrefix(stripSGR(l), "replay: "); ok {
					replay = append(replay, r)
					for j := i; strings.HasSuffix(stripSGR(lines[j]), "\\"); j++ {
						replay = append(replay, stripSGR(lines[j+1]))
					}
					break
				}
			}
			if replay == nil {
				t.Fatalf("%q: no replay line:\n%s", args, out)
			}
			words := shellWords(strings.Join(replay, "\n"))
			if words[0] != "pardemo" {
				t.Fatalf("replay %q does not start with pardemo", words)
			}
			first := resultOf(t, append(slices.Clone(args), "--json", "--seed", seedOf(t, out)))
			again := resultOf(t, append(words[1:], "--json"))
			if fmt.Sprint(first["knobs"], first["seed"], first["speed"]) != fmt.Sprint(again["knobs"], again["seed"], again["speed"]) {
				t.Errorf("%q (tty %v): replay %q ran with\n%v %v %v, the run had\n%v %v %v", args, tty, words,
					again["knobs"], again["seed"], again["speed"], first["knobs"], first["seed"], first["speed"])
			}
		}
	}
}

func stripSGR(s string) string { return csi.ReplaceAllString(s, "") }

func seedOf(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(stripSGR(l), "seed "); ok {
			return strings.Fields(rest)[0]
		}
	}
	t.Fatalf("no seed line in:\n%s", out)
	return ""
}

func resultOf(t *testing.T, args []string) map[string]any {
	t.Helper()
	out, stderr, code := runInProcess(t, args...)
	if code != 0 {
		t.Fatalf("%q: exit %d: %s", args, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var r map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil || r["type"] != "result" {
		t.Fatalf("%q: last line %q", args, lines[len(lines)-1])
	}
	if r["schema"] != float64(2) {
		t.Errorf("%q: schema %v", args, r["schema"])
	}
	return r
}

// Bad input reads the same whatever the order of the flags, and in
// pardemo's words.
func TestUsageErrorsInWords(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
		json   bool
	}{
		{[]string{"race", "--count", "-1", "--json"}, `pardemo: --count "-1": must be from 1 to 100,000,000`, true},
		{[]string{"race", "--json", "--count", "-1"}, `pardemo: --count "-1": must be from 1 to 100,000,000`, true},
		{[]string{"--json", "race", "--count", "-1"}, `pardemo: --count "-1": must be from 1 to 100,000,000`, true},
		{[]string{"race", "--trails", "3"}, `pardemo: unknown flag --trails (did you mean --trials?)`, false},
		{[]string{"race", "--json=maybe"}, `pardemo: --json "maybe": want true or false`, false},
		{[]string{"race", "--lock=maybe"}, `pardemo: --lock "maybe": want true or false`, false},
		{[]string{"completion", "tcsh"}, `pardemo: unknown shell "tcsh": pardemo completes bash, fish, powershell, zsh`, false},
		{[]string{"--", "race"}, `pardemo: "race" after "--" is not read as a command: run 'pardemo race'`, false},
		{[]string{"list", "--seed", "3"}, `pardemo: --seed does not apply to 'pardemo list'`, false},
		{[]string{"explain", "race", "--speed", "3"}, `pardemo: --speed does not apply to 'pardemo explain'`, false},
		{[]string{"source", "race", "--json"}, `pardemo: --json does not apply to 'pardemo source'`, true},
		{[]string{"completion", "bash", "--seed", "1"}, `pardemo: --seed does not apply to 'pardemo completion bash'`, false},
		{[]string{"run-all", "--only", "rase"}, `pardemo: --only: no scenario "rase" here (did you mean "race"?)`, false},
		{[]string{"run-all", "--chapter", "99"}, `pardemo: --chapter 99 has no scenarios (see 'pardemo list')`, false},
	} {
		out, stderr, code := runInProcess(t, tc.args...)
		if code != cmd.ExitUsage || stderr != tc.stderr+"\n" {
			t.Errorf("%q: exit %d, stderr %q\nwant exit 2, %q", tc.args, code, stderr, tc.stderr)
		}
		if tc.json != strings.Contains(out, `{"type":"error"`) || (!tc.json && out != "") {
			t.Errorf("%q: stdout %q", tc.args, out)
		}
	}
}

// A deprecated spelling still works, says so once on stderr, and the run
// is reported under the new name.
func TestDeprecatedKnobs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		note string
		knob string
		val  any
	}{
		{[]string{"race", "--mode", "atomic", "--count", "1000"}, "--mode atomic is deprecated and goes away in the next release: use --protect atomic", "protect", "atomic"},
		{[]string{"barrier", "--processes"}, "--processes is deprecated and goes away in the next release: use --run-as processes", "run-as", "processes"},
		{[]string{"semaphore", "signal", "--rounds", "2"}, "--rounds 2 is deprecated and goes away in the next release: use --items 2", "items", float64(2)},
		{[]string{"download", "--form", "goroutines"}, "--form goroutines is deprecated and goes away in the next release: use --run-as goroutines", "run-as", "goroutines"},
	} {
		args := append(slices.Clone(tc.args), "--json", "--speed", "1000")
		out, stderr, code := runInProcess(t, args...)
		if code != 0 || stderr != "pardemo: "+tc.note+"\n" {
			t.Errorf("%q: exit %d, stderr %q, want %q", tc.args, code, stderr, tc.note)
			continue
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var r map[string]any
		_ = json.Unmarshal([]byte(lines[len(lines)-1]), &r)
		if k, _ := r["knobs"].(map[string]any); k[tc.knob] != tc.val {
			t.Errorf("%q: knobs %v, want %s = %v", tc.args, r["knobs"], tc.knob, tc.val)
		}
		help, _, _ := runInProcess(t, append(strings.Fields(strings.Join(tc.args[:1], " ")), "--help")...)
		old := strings.TrimPrefix(strings.Fields(tc.note)[0], "--")
		if strings.Contains(help, "--"+old+" ") {
			t.Errorf("%s --help lists the deprecated --%s", tc.args[0], old)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runInProcess(t, "--version")
	if code != 0 || !strings.Contains(out, "go1.") || !strings.Contains(out, "/") {
		t.Errorf("--version: exit %d, %q: want the Go version and OS/arch", code, out)
	}
}

// Presenter mode: title cards "i of n · Chapter c · title", the chosen
// scenarios only, the keys of a pause, talking points.
func TestRunAllPresenter(t *testing.T) {
	out, stderr, code := runWith(t, true, false, "", "--speed", "1000", "run-all", "--only", "queue,race", "--talk")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	plain := stripSGR(out)
	if !strings.Contains(plain, "1 of 2 · Chapter 2 · Synchronisation\n") || !strings.Contains(plain, "2 of 2 · Chapter 3 · Queues\n") {
		t.Errorf("title cards missing or out of curriculum order:\n%s", plain)
	}
	if !strings.Contains(plain, "talking points\n  • ") {
		t.Errorf("no talking points with --talk:\n%s", plain)
	}
	if strings.Count(out, "\x1b[2J") != 3 {
		t.Errorf("want the screen cleared before each scenario and the summary on a terminal")
	}

	// Piped: no clearing; --chapter and --from choose.
	out, _, _ = runWith(t, false, false, "", "--speed", "1000", "run-all", "--chapter", "3")
	if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "· Chapter 2 ·") || !strings.Contains(out, "· Chapter 3 · Queues") {
		t.Errorf("--chapter 3 piped:\n%s", out)
	}
	var ch3 []string
	for _, d := range cmd.Registry() {
		if d.Chapter == 3 {
			ch3 = append(ch3, d.Name)
		}
	}
	out, _, _ = runWith(t, false, false, "", "--speed", "1000", "run-all", "--chapter", "3", "--from", ch3[len(ch3)-1])
	if n := strings.Count(out, "━━ "); n != 1 {
		t.Errorf("--from the last of chapter 3 ran %d scenarios", n)
	}

	// Keys at a pause (stdin a terminal): r repeats, b goes back, s skips,
	// q quits. Scenario order: queue (Q1), then producer-consumer (Q2)…
	names := func(out string) []string {
		var got []string
		for _, l := range strings.Split(stripSGR(out), "\n") {
			if rest, ok := strings.CutPrefix(l, "━━ "); ok {
				got = append(got, strings.Split(rest, "  ·  ")[0])
			}
		}
		return got
	}
	list := []string{"race", "queue", "tickets"}
	for _, tc := range []struct {
		keys string
		want []string
	}{
		{"\n\n", list},
		{"r\n\n\n", []string{"race", "race", "queue", "tickets"}},
		{"\nb\n\n\n", []string{"race", "queue", "race", "queue", "tickets"}},
		{"s\n", []string{"race", "tickets"}},
		{"q\n", []string{"race"}},
		{"", []string{"race"}}, // end of input: stop
	} {
		out, _, code := runWith(t, false, true, tc.keys, "--speed", "1000", "run-all", "--pause", "--only", strings.Join(list, ","))
		if got := names(out); code != 0 || !slices.Equal(got, tc.want) {
			t.Errorf("keys %q: exit %d, ran %q, want %q", tc.keys, code, got, tc.want)
		}
	}
	// Ctrl-C read as a key (a terminal in raw mode sends no SIGINT) stops
	// the course as the signal would: exit 130.
	out, _, code = runWith(t, false, true, "\x03", "--speed", "1000", "run-all", "--pause", "--only", strings.Join(list, ","))
	if got := names(out); code != cmd.ExitInterrupted || !slices.Equal(got, []string{"race"}) {
		t.Errorf("Ctrl-C at a pause: exit %d, ran %q", code, got)
	}
}

// --quiet leaves routine lines out; a flood turns quiet by itself, and
// --quiet=false and --json show every line.
func TestQuietMode(t *testing.T) {
	count := func(args ...string) int {
		out, stderr, code := runInProcess(t, append(args, "--speed", "2000")...)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		return strings.Count(out, "got a permit")
	}
	if n := count("semaphore", "limit"); n != 5+19 {
		t.Errorf("default semaphore limit: %d permit lines, want the first wave's 5 and one for each of 19 more waves", n)
	}
	if n := count("semaphore", "limit", "--quiet=false"); n != 100 {
		t.Errorf("--quiet=false: %d permit lines, want 100", n)
	}
	if n := count("semaphore", "limit", "--json"); n != 100 {
		t.Errorf("--json: %d permit lines, want 100", n)
	}
	if n := count("semaphore", "limit", "--json", "--quiet"); n != 5+19 {
		t.Errorf("--json --quiet: %d permit lines, want 24", n)
	}
	if n := count("semaphore", "limit", "--workers", "10"); n != 10 {
		t.Errorf("no flood (10 workers): %d permit lines, want 10", n)
	}
}

// t_ms never decreases (docs/json.md), also in the scenarios whose child
// processes stamp their own events: `tickets --json` used to go backwards
// in 3 runs of 6.
func TestTimeNeverGoesBack(t *testing.T) {
	for _, d := range cmd.Registry() {
		if len(d.Children) == 0 {
			continue
		}
		for run := range 3 {
			out, stderr, code := runInProcess(t, append(strings.Fields(d.Name), "--json", "--speed", "100", "--seed", fmt.Sprint(run))...)
			if code != 0 {
				t.Errorf("%s: exit %d: %s", d.Name, code, stderr)
				continue
			}
			prev := 0.0
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				var e struct {
					Type string  `json:"type"`
					T    float64 `json:"t_ms"`
					Msg  string  `json:"msg"`
				}
				if json.Unmarshal([]byte(l), &e) != nil || e.Type != "event" {
					continue
				}
				if e.T < prev {
					t.Errorf("%s (seed %d): t_ms %v after %v: %q", d.Name, run, e.T, prev, e.Msg)
				}
				prev = e.T
			}
		}
	}
}
