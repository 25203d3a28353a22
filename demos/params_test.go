package demos_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pardemo/pardemo/demos"
	"github.com/pardemo/pardemo/internal/ev"
)

// opts is a test scenario's options: one field per kind of knob; paramMetrics
// its (empty) metrics.
type paramMetrics struct{}

type opts struct {
	Count   int
	Lock    bool
	Mode    string
	Numbers []int64
	DB      string
	Timeout float64
}

func bind(t *testing.T) (*demos.Bound, *opts) {
	t.Helper()
	d := demos.Scenario[opts, paramMetrics]{Name: "t", ID: "T0",
		Knobs: func(k *demos.Knobs, o *opts) {
			k.Int(&o.Count, "count", "updates", 10, 1, 1000)
			k.Bool(&o.Lock, "lock", "lock it")
			k.Choice(&o.Mode, "mode", "how", "none", "none", "mutex")
			k.Int64s(&o.Numbers, "numbers", "numbers to check", []int64{7, 91}, 0, math.MaxInt64)
			k.Path(&o.DB, "db", "the database")
			k.Float(&o.Timeout, "timeout", "seconds", 2, 0.1, 10)
		}}.Demo()
	b := d.Bind()
	return b, b.Options().(*opts)
}

func TestKnobsBindToFields(t *testing.T) {
	b, o := bind(t)
	if o.Count != 10 || o.Lock || o.Mode != "none" || !slices.Equal(o.Numbers, []int64{7, 91}) || o.DB != "" || o.Timeout != 2 || b.Changed("count") {
		t.Fatalf("defaults wrong: %+v", o)
	}
	bad := map[string][]string{
		"count":   {"0", "1001", "-1", "abc", "1.5", ""},
		"lock":    {"maybe"},
		"mode":    {"atomic", ""},
		"timeout": {"NaN", "nan", "Inf", "-Inf", "+Inf", "0", "10.5", "1e-20", "abc", ""},
		"db":      {"a\x00b", strings.Repeat("x", 5000)},
	}
	for name, vals := range bad {
		for _, s := range vals {
			if err := b.Set(name, s); err == nil {
				t.Errorf("--%s %.20q accepted", name, s)
			} else if strings.Contains(err.Error(), "\n") {
				t.Errorf("--%s %q: error of more than one line: %q", name, s, err)
			}
		}
	}
	for name, s := range map[string]string{"count": "1,000", "lock": "true", "mode": "mutex", "timeout": "0.25", "db": "/tmp/a b/ä.json"} {
		if err := b.Set(name, s); err != nil {
			t.Errorf("--%s %q: %v", name, s, err)
		}
	}
	if o.Count != 1000 || !o.Lock || o.Mode != "mutex" || o.Timeout != 0.25 || o.DB != "/tmp/a b/ä.json" || !b.Changed("mode") {
		t.Errorf("values not set: %+v", o)
	}
	if err := b.Set("nosuch", "1"); err == nil {
		t.Error("unknown knob accepted")
	}
	want := []ev.Param{{Name: "count", Value: "1000"}, {Name: "lock", Value: "true"}, {Name: "mode", Value: "mutex"},
		{Name: "db", Value: "/tmp/a b/ä.json"}, {Name: "timeout", Value: "0.25"}}
	if got := b.Given(); !slices.Equal(got, want) {
		t.Errorf("Given = %v, want %v", got, want)
	}
	ps := b.Params()
	if got := ps[0].Describe(); got != "updates (1–1,000)" {
		t.Errorf("Describe = %q", got)
	}
	if got := ps[5].Describe(); got != "seconds (0.1–10)" {
		t.Errorf("Describe = %q", got)
	}
}

// Two binds of one scenario share nothing: a knob set for one run is not
// seen by the next.
func TestBindsAreFresh(t *testing.T) {
	b1, o1 := bind(t)
	if err := b1.Set("count", "5"); err != nil {
		t.Fatal(err)
	}
	_, o2 := bind(t)
	if o1.Count != 5 || o2.Count != 10 {
		t.Errorf("counts %d and %d, want 5 and 10", o1.Count, o2.Count)
	}
}

func TestBadDefaultPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a default outside the bounds must panic")
		}
	}()
	var k demos.Knobs
	var n int
	k.Int(&n, "n", "", 0, 1, 2)
}

func TestInt64List(t *testing.T) {
	b, o := bind(t)
	if got := b.Text("numbers"); got != "7,91" {
		t.Errorf("Text = %q, want it as typed", got)
	}
	good := map[string][]int64{
		"5":                   {5},
		"0,1, 2 ,3":           {0, 1, 2, 3},
		"1_000_003,4":         {1000003, 4},
		"9223372036854775807": {math.MaxInt64},
	}
	for s, want := range good {
		if err := b.Set("numbers", s); err != nil {
			t.Errorf("--numbers %q: %v", s, err)
			continue
		}
		if !slices.Equal(o.Numbers, want) {
			t.Errorf("--numbers %q = %v, want %v", s, o.Numbers, want)
		}
	}
	if err := b.Set("numbers", "9223372036854775807"); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"":                    "no numbers",
		" ":                   "no numbers",
		"1,,2":                "number 2 is empty",
		"1,":                  "number 2 is empty",
		"-5":                  "-5 is out of range",
		"3,abc":               `"abc" is not a whole number`,
		"1.5":                 `"1.5" is not a whole number`,
		"9223372036854775808": "out of range",
		"0x10":                "not a whole number",
	}
	for s, want := range bad {
		err := b.Set("numbers", s)
		if err == nil {
			t.Errorf("--numbers %q accepted", s)
			continue
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--numbers %q: error %q, want one line mentioning %q", s, err, want)
		}
	}
	// The value set last (a good one) survives the rejected ones.
	if !slices.Equal(o.Numbers, []int64{math.MaxInt64}) {
		t.Errorf("after rejected values: %v", o.Numbers)
	}
}

func TestInt64ListLength(t *testing.T) {
	b, _ := bind(t)
	nums := make([]string, demos.MaxListLen)
	for i := range nums {
		nums[i] = strconv.Itoa(i % 10)
	}
	if err := b.Set("numbers", strings.Join(nums, ",")); err != nil {
		t.Errorf("%d numbers rejected: %v", len(nums), err)
	}
	if err := b.Set("numbers", strings.Join(append(nums, "1"), ",")); err == nil {
		t.Errorf("%d numbers accepted", len(nums)+1)
	}
}

// A scenario whose Run concludes with metrics of another type than it
// declares fails the run: the JSON contract cannot drift from the docs.
func TestMetricsTypeIsEnforced(t *testing.T) {
	_, c, err := execute(t, t.Context(), demos.Scenario[opts, paramMetrics]{Name: "t", ID: "T0",
		Run: func(ctx context.Context, env *demos.Env, o *opts) (ev.Result, error) {
			return ev.Result{Verdict: "v", Metrics: map[string]any{"x": 1}}, nil
		}}.Demo(), time.Second)
	if err == nil || !strings.Contains(err.Error(), "declares demos_test.paramMetrics") {
		t.Errorf("err = %v, want a metrics type error", err)
	}
	if len(c.Results) != 0 {
		t.Errorf("a result was rendered: %v", c.Results)
	}
}

func TestFolderFor(t *testing.T) {
	for name, want := range map[string]string{
		"race": "demos/race", "pool primes": "demos/poolprimes", "traffic-light": "demos/trafficlight",
		"producer-consumer": "demos/producerconsumer", "defer": "demos/deferdemo", "proc spawn": "demos/procspawn",
		"coroutine switch": "demos/coroutineswitch", "pool map": "demos/poolmap",
	} {
		if got := demos.FolderFor(name); got != want {
			t.Errorf("FolderFor(%q) = %q, want %q", name, got, want)
		}
	}
}

// The scenario knows its folder from its options type's package.
func TestDirFromOptionsType(t *testing.T) {
	d := demos.Scenario[opts, paramMetrics]{Name: "t"}.Demo()
	// opts is declared in this external test package, whose import path
	// is the folder's plus _test.
	if d.Dir != "demos_test" {
		t.Errorf("Dir = %q, want demos_test", d.Dir)
	}
}
