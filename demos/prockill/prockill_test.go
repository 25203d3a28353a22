package prockill_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/demos/internal/demotest"
	"github.com/pardemo/pardemo/demos/prockill"
	"github.com/pardemo/pardemo/internal/proc"
)

// The test binary doubles as the child processes.
func TestMain(m *testing.M) { demotest.Main(m, prockill.New()) }

func TestEveryEndingReadsRight(t *testing.T) {
	if err := proc.Supported(); err != nil {
		t.Skip(err)
	}
	d := prockill.New()
	res, _ := demotest.MustRun(t, d, 10, "exit-code=42")
	m := demotest.Metrics[prockill.Metrics](t, res)
	if !res.Observed {
		t.Fatalf("lesson not shown: %s", res.Verdict)
	}
	want := []struct {
		exitcode string
		code     int
		sig      int
	}{{"-15", -1, 15}, {"0", 0, 0}, {"42", 42, 0}, {"-9", -1, 9}}
	for i, w := range want {
		e := m.Endings[i]
		if e.Exitcode != w.exitcode || e.Code != w.code || e.Signal != w.sig {
			t.Errorf("%s: %+v, want %+v", e.How, e, w)
		}
	}
	if len(res.Tables) != 1 || len(res.Tables[0].Rows) != 4 {
		t.Errorf("tables %+v", res.Tables)
	}
	if o := demotest.Knobs(t, d, "exit-code=42").Classify(res); o.Class != demos.Interesting {
		t.Errorf("outcome %+v", o)
	}
}
