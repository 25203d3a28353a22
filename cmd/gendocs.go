package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The docs generator is a hidden command of the binary, so that it walks
// the real command tree and reads the embedded sources, and `go install
// ./...` installs one program:
//
//	pardemo gen-docs docs           regenerate docs/
//	pardemo gen-docs --check docs   compare; exit 1 when stale
//	pardemo gen-docs --man DIR      write man pages (make install-man)
//
// It owns docs/cli and docs/demos entirely (every file there is generated,
// so any other file is stale) and the metrics section of docs/json.md
// (between two markers; the rest of that file is written by hand).
const (
	cliDir   = "cli"
	demosDir = "demos"
	jsonDoc  = "json.md"
)

func (a *app) newGenDocs() *cobra.Command {
	var check bool
	var man string
	c := &cobra.Command{
		Use:    "gen-docs DOCS_DIR",
		Short:  "Write the generated documentation (CLI reference, scenario pages, JSON metrics); --check compares",
		Hidden: true,
		Args: func(c *cobra.Command, args []string) error {
			if man != "" && len(args) == 0 {
				return nil
			}
			if len(args) != 1 {
				return usagef("gen-docs wants exactly one docs directory, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if man != "" {
				if err := a.genMan(man); err != nil {
					return err
				}
				fmt.Fprintf(a.io.Out, "man pages written to %s\n", man)
				if len(args) == 0 {
					return nil
				}
			}
			return a.genDocs(args[0], check)
		},
	}
	c.Flags().BoolVar(&check, "check", false, "compare with the files on disk instead of writing them")
	c.Flags().StringVar(&man, "man", "", "also write man pages (section 1) into this directory")
	return c
}

func (a *app) genDocs(root string, check bool) error {
	want, err := a.generated(root)
	if err != nil {
		return err
	}
	have, err := readTree(root)
	if err != nil {
		return err
	}
	changes := diff(want, have)
	if check {
		for _, c := range changes {
			fmt.Fprintf(a.io.Err, "%s: %s\n", filepath.Join(root, filepath.FromSlash(c.path)), c.problem)
		}
		if len(changes) > 0 {
			return fmt.Errorf("%d generated doc file(s) out of date: run 'make docs'", len(changes))
		}
		return nil
	}
	for _, c := range changes {
		if err := apply(root, c.path, want); err != nil {
			return err
		}
		fmt.Fprintf(a.io.Out, "%s: %s\n", filepath.Join(root, filepath.FromSlash(c.path)), c.done)
	}
	return nil
}

// generated renders the whole docs tree into a temporary directory (cobra's
// generator only writes files) and returns its files by slash path. The
// hand-written part of json.md is read from root.
func (a *app) generated(root string) (map[string][]byte, error) {
	tmp, err := os.MkdirTemp("", "gendocs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := a.generate(tmp); err != nil {
		return nil, err
	}
	files, err := readTree(tmp)
	if err != nil {
		return nil, err
	}
	old, err := os.ReadFile(filepath.Join(root, jsonDoc))
	if err != nil {
		return nil, fmt.Errorf("%s: %w (its hand-written part is kept, so it must exist)", jsonDoc, err)
	}
	section, err := a.metricsSection()
	if err != nil {
		return nil, err
	}
	merged, err := spliceMetrics(old, section)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(root, jsonDoc), err)
	}
	files[jsonDoc] = merged
	return files, nil
}

// readTree returns every file in the managed folders under root, keyed by
// its slash path relative to root ("demos/race.md"). A missing folder is
// simply empty: that is what a first run sees.
func readTree(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	if b, err := os.ReadFile(filepath.Join(root, jsonDoc)); err == nil {
		files[jsonDoc] = b
	}
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
