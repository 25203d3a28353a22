package demos_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
)

func TestInt64List(t *testing.T) {
	params := []demos.Param{demos.Int64List("numbers", "numbers to check", []int64{7, 91}, 0, math.MaxInt64)}
	v := demos.NewValues(params)
	if got := v.Int64s("numbers"); !slices.Equal(got, []int64{7, 91}) || v.Changed("numbers") {
		t.Fatalf("default = %v", got)
	}
	if got := v.Text("numbers"); got != "7,91" {
		t.Errorf("Text = %q, want it as typed", got)
	}
	good := map[string][]int64{
		"5":                   {5},
		"0,1, 2 ,3":           {0, 1, 2, 3},
		"1_000_003,4":         {1000003, 4},
		"9223372036854775807": {math.MaxInt64},
	}
	for s, want := range good {
		if err := v.Set("numbers", s); err != nil {
			t.Errorf("--numbers %q: %v", s, err)
			continue
		}
		if got := v.Int64s("numbers"); !slices.Equal(got, want) {
			t.Errorf("--numbers %q = %v, want %v", s, got, want)
		}
	}
	if err := v.Set("numbers", "9223372036854775807"); err != nil {
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
		err := v.Set("numbers", s)
		if err == nil {
			t.Errorf("--numbers %q accepted", s)
			continue
		}
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--numbers %q: error %q, want one line mentioning %q", s, err, want)
		}
	}
	// The value set last (a good one) survives the rejected ones.
	if got := v.Int64s("numbers"); !slices.Equal(got, []int64{math.MaxInt64}) {
		t.Errorf("after rejected values: %v", got)
	}
}

func TestInt64ListLength(t *testing.T) {
	p := demos.Int64List("numbers", "numbers", []int64{1}, 0, 10)
	nums := make([]string, demos.MaxListLen)
	for i := range nums {
		nums[i] = strconv.Itoa(i % 10)
	}
	if _, err := p.Parse(strings.Join(nums, ",")); err != nil {
		t.Errorf("%d numbers rejected: %v", len(nums), err)
	}
	if _, err := p.Parse(strings.Join(append(nums, "1"), ",")); err == nil {
		t.Errorf("%d numbers accepted", len(nums)+1)
	}
	if got := p.Describe(); got != "numbers (comma-separated, up to 1,000 numbers, each 0–10)" {
		t.Errorf("Describe = %q", got)
	}
}

// The returned list is a copy: changing it does not change the knob.
func TestInt64sCopies(t *testing.T) {
	v := demos.NewValues([]demos.Param{demos.Int64List("numbers", "", []int64{1, 2}, 0, 10)})
	v.Int64s("numbers")[0] = 9
	if got := v.Int64s("numbers"); got[0] != 1 {
		t.Errorf("knob changed through its copy: %v", got)
	}
}
