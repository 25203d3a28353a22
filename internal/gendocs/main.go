// Command gendocs writes pardemo's generated documentation: the CLI
// reference (docs/cli, one page per command, from the cobra tree) and the
// scenario pages (docs/demos, one page per registered scenario plus an
// index). With -check it writes nothing and fails when the files on disk
// differ from what it would write, so CI catches docs that were not
// regenerated.
//
//	go run ./internal/gendocs docs          regenerate
//	go run ./internal/gendocs -check docs   compare, exit 1 when stale
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The folders under the docs root that gendocs owns entirely: every file
// in them is generated, so any other file there is stale.
const (
	cliDir   = "cli"
	demosDir = "demos"
)

const usage = "usage: go run ./internal/gendocs [-check] DOCS_DIR"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its inputs and outputs passed in, for tests. Exit codes:
// 0 done (or docs up to date), 1 docs differ or an I/O error, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gendocs", flag.ContinueOnError)
	fl.SetOutput(io.Discard) // we print our own one-line usage
	check := fl.Bool("check", false, "compare with the files on disk instead of writing them")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "gendocs: %v; %s\n", err, usage)
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprintf(stderr, "gendocs: want exactly one docs directory, got %d arguments; %s\n", fl.NArg(), usage)
		return 2
	}
	root := fl.Arg(0)

	want, err := generated()
	if err != nil {
		fmt.Fprintf(stderr, "gendocs: %v\n", err)
		return 1
	}
	have, err := readTree(root)
	if err != nil {
		fmt.Fprintf(stderr, "gendocs: %v\n", err)
		return 1
	}
	changes := diff(want, have)

	if *check {
		for _, c := range changes {
			fmt.Fprintf(stderr, "%s: %s\n", filepath.Join(root, filepath.FromSlash(c.path)), c.problem)
		}
		if len(changes) > 0 {
			fmt.Fprintf(stderr, "gendocs: %d generated doc file(s) out of date: run 'make docs'\n", len(changes))
			return 1
		}
		return 0
	}

	for _, c := range changes {
		if err := apply(root, c.path, want); err != nil {
			fmt.Fprintf(stderr, "gendocs: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s\n", filepath.Join(root, filepath.FromSlash(c.path)), c.done)
	}
	return 0
}

// generated renders the whole docs tree into a temporary directory (cobra's
// generator only writes files) and returns its files by slash path.
func generated() (map[string][]byte, error) {
	tmp, err := os.MkdirTemp("", "gendocs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := generate(tmp); err != nil {
		return nil, err
	}
	return readTree(tmp)
}

// readTree returns every file in the managed folders under root, keyed by
// its slash path relative to root ("demos/race.md"). A missing folder is
// simply empty: that is what a first run sees.
func readTree(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, sub := range []string{cliDir, demosDir} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(path string, e fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && path == filepath.Join(root, sub) {
				return fs.SkipDir
			}
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// change is one file whose content on disk is not the generated one.
type change struct {
	path    string // slash path relative to the docs root
	problem string // what -check says about it
	done    string // what a regeneration says it did
}

// diff lists the files of want and have that differ, sorted by path so the
// report is stable.
func diff(want, have map[string][]byte) []change {
	var out []change
	for p, w := range want {
		h, ok := have[p]
		switch {
		case !ok:
			out = append(out, change{p, "missing", "written"})
		case !bytes.Equal(w, h):
			out = append(out, change{p, "differs from the generated text", "updated"})
		}
	}
	for p := range have {
		if _, ok := want[p]; !ok {
			out = append(out, change{p, "should not exist (no command or scenario generates it)", "removed"})
		}
	}
	slices.SortFunc(out, func(a, b change) int { return strings.Compare(a.path, b.path) })
	return out
}

// apply makes the file at path under root match want: written, or removed
// when want has no such file.
func apply(root, path string, want map[string][]byte) error {
	full := filepath.Join(root, filepath.FromSlash(path))
	b, ok := want[path]
	if !ok {
		return os.Remove(full)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, b, 0o644)
}
