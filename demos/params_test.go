package demos_test

import (
	"testing"

	"github.com/pardemo/pardemo/demos"
)

func TestParams(t *testing.T) {
	params := []demos.Param{
		demos.Int("count", "updates", 10, 1, 1000),
		demos.Bool("lock", "lock it"),
		demos.Choice("mode", "how", "none", "none", "mutex"),
	}
	v := demos.NewValues(params)
	if v.Int("count") != 10 || v.Bool("lock") || v.String("mode") != "none" || v.Changed("count") {
		t.Fatal("defaults wrong")
	}
	bad := map[string][]string{
		"count": {"0", "1001", "-1", "abc", "1.5", ""},
		"lock":  {"maybe"},
		"mode":  {"atomic", ""},
	}
	for name, vals := range bad {
		for _, s := range vals {
			if err := v.Set(name, s); err == nil {
				t.Errorf("--%s %q accepted", name, s)
			}
		}
	}
	for name, s := range map[string]string{"count": "1,000", "lock": "true", "mode": "mutex"} {
		if err := v.Set(name, s); err != nil {
			t.Errorf("--%s %q: %v", name, s, err)
		}
	}
	if v.Int("count") != 1000 || !v.Bool("lock") || v.String("mode") != "mutex" || !v.Changed("mode") {
		t.Error("values not set")
	}
	if err := v.Set("nosuch", "1"); err == nil {
		t.Error("unknown knob accepted")
	}
	if got := params[0].Describe(); got != "updates (1–1,000)" {
		t.Errorf("Describe = %q", got)
	}
}

func TestBadDefaultPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a default outside the bounds must panic")
		}
	}()
	demos.NewValues([]demos.Param{demos.Int("n", "", 0, 1, 2)})
}
