package cmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/internal/ui"
)

func TestStartToolsRefuses(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	one := 1
	two := 2
	for _, c := range []struct {
		trace, prof string
		trials      *int
		sweep       bool
		want        string
	}{
		{filepath.Join(dir, "no", "t"), "", nil, false, "--trace " + filepath.Join(dir, "no", "t") + ": cannot write the file"},
		{"", dir, nil, false, "--cpuprofile " + dir + ": cannot write the file"},
		{f, dir + "/./f", nil, false, "name the same file"},
		{f, filepath.Join(dir, "no", "p"), nil, false, "--cpuprofile " + filepath.Join(dir, "no", "p") + ": cannot write the file"},
		{"-", "", nil, false, "needs a file name"},
		{f, "", &two, false, "does not apply to --trials"},
		{"", f, nil, true, "does not apply to a sweep"},
	} {
		streams, _, _ := ui.Test()
		a := newApp(context.Background(), streams, nil)
		a.trace, a.cpuprofile = c.trace, c.prof
		_, err := a.startTools(c.trials, c.sweep)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a usage error with %q", c, err, c.want)
		}
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%+v: the file was created", c)
			os.Remove(f)
		}
		if a.tools != nil {
			t.Errorf("%+v: tools left running", c)
		}
	}
	// --trials 1 is one run.
	streams, _, errOut := ui.Test()
	a := newApp(context.Background(), streams, nil)
	a.cpuprofile = f
	tl, err := a.startTools(&one, false)
	if err != nil {
		t.Fatal(err)
	}
	var runErr error = errors.New("the run failed")
	a.stopTools(tl, &runErr)
	if runErr.Error() != "the run failed" || errOut.Len() != 0 {
		t.Errorf("after a failed run: error %v, stderr %q (want the run's error alone)", runErr, errOut.String())
	}
	if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
		t.Errorf("the profile of a failed run: %v", err)
	}
}

func TestNoToolsNoWrap(t *testing.T) {
	var none *tools
	r := ui.NewJSON(nil)
	if none.wrap(r) != ui.Renderer(r) || (&tools{}).wrap(r) != ui.Renderer(r) {
		t.Error("a run without --trace got a wrapped renderer")
	}
}
