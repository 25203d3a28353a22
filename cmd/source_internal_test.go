package cmd

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every non-test Go file of a scenario's folder, and every lesson file it
// names, is among what `pardemo source NAME --all` prints; the lesson
// comes first.
func TestSourceIsComplete(t *testing.T) {
	src := os.DirFS("..")
	for _, d := range Registry() {
		files, err := sourceFiles(src, d)
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		var printed []string
		lessonDone := false
		for _, f := range files {
			printed = append(printed, f.path)
			if !f.lesson {
				lessonDone = true
			} else if lessonDone {
				t.Errorf("%s: lesson file %s printed after set-up code", d.Name, f.path)
			}
		}
		if !files[0].lesson {
			t.Errorf("%s: the first file printed is not a lesson file", d.Name)
		}
		onDisk, err := filepath.Glob(filepath.Join("..", d.Dir, "*.go"))
		if err != nil || len(onDisk) == 0 {
			t.Errorf("%s: no Go files in %s (%v)", d.Name, d.Dir, err)
		}
		for _, p := range onDisk {
			rel := filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
			if strings.HasSuffix(rel, "_test.go") {
				continue
			}
			if !slices.Contains(printed, rel) {
				t.Errorf("%s: %s is not printed by 'pardemo source %s --all'", d.Name, rel, d.Name)
			}
		}
		for _, l := range d.Lesson {
			if !slices.Contains(printed, l) {
				t.Errorf("%s: lesson file %s is not printed", d.Name, l)
			}
		}
	}
}

// The race lesson shows the load–pause–store loop near the top.
func TestSourceRaceShowsTheLoopFirst(t *testing.T) {
	a, out, _ := testApp(t)
	root := a.newRoot()
	root.SetArgs([]string{"source", "race"})
	root.SetOut(out)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	var first []string
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() && len(first) < 60 {
		first = append(first, sc.Text())
	}
	head := strings.Join(first, "\n")
	load := strings.Index(head, ".Load()")
	store := strings.Index(head, ".Store(")
	if load < 0 || store < load {
		t.Errorf("the first 60 lines of 'pardemo source race' lack the load … store loop:\n%s", head)
	}
}

// Every registered command has a row in the README's scenario table.
func TestReadmeTableListsEveryScenario(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for line := range strings.Lines(string(b)) {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		// | chapter | `command` ★ | id | …: the command is the second
		// cell's code span.
		if c, ok := strings.CutPrefix(strings.TrimSpace(cells[2]), "`"); ok {
			cmd, _, _ := strings.Cut(c, "`")
			rows[cmd] = true
		}
	}
	for _, d := range Registry() {
		if !rows[d.Name] {
			t.Errorf("README.md's scenario table has no row for %q", d.Name)
		}
	}
}

// Every package with tests checks for leaked goroutines once, in TestMain
// (goleak, directly or through demotest.Main or cmd's leakCheck).
func TestEveryPackageChecksLeaks(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || e.Name() == "testdata" || e.Name() == "bin") {
			return filepath.SkipDir
		}
		if !e.IsDir() {
			return nil
		}
		tests, _ := filepath.Glob(filepath.Join(path, "*_test.go"))
		if len(tests) == 0 {
			return nil
		}
		for _, f := range tests {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte("goleak.")) || bytes.Contains(b, []byte("demotest.Main(")) {
				return nil
			}
		}
		t.Errorf("%s has tests but no goleak check in its TestMain", path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
