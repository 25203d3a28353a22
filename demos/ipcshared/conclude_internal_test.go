package ipcshared

import (
	"strings"
	"testing"
)

// The verdict can fail on every branch, and says so.
func TestConcludeBranches(t *testing.T) {
	doubled := Metrics{ArrayBefore: []int64{1, 2}, ArraySeen: []int64{2, 4}, ArrayDoubled: true, FilesRemoved: true}
	with := func(f func(*Metrics)) Metrics { m := doubled; f(&m); return m }
	for _, tc := range []struct {
		name     string
		m        Metrics
		observed bool
		verdict  string
		hint     bool
	}{
		{"lost", with(func(m *Metrics) { m.Children, m.Expected, m.Final, m.Lost = 4, 40000, 30000, 10000 }), true, "lost 10,000 of 40,000", false},
		{"nothing lost", with(func(m *Metrics) { m.Children, m.Expected, m.Final, m.Window = 4, 40000, 40000, "spin" }), false, "no update lost", true},
		{"one adder", with(func(m *Metrics) { m.Children, m.Expected, m.Final = 1, 10, 10 }), false, "nobody to race", true},
		{"locked", with(func(m *Metrics) { m.Lock, m.Children, m.Expected, m.Final = true, 4, 40000, 40000 }), true, "exact", false},
		{"lock failed", with(func(m *Metrics) { m.Lock, m.Expected, m.Final, m.Lost = true, 40000, 39999, 1 }), false, "did not serialise", false},
		{"not shared", Metrics{ArrayBefore: []int64{1}, ArraySeen: []int64{1}, FilesRemoved: true}, false, "not shared", false},
		{"file left", with(func(m *Metrics) { m.FilesRemoved = false }), false, "left behind", false},
	} {
		res := conclude(tc.m)
		if res.Observed != tc.observed || !strings.Contains(res.Verdict, tc.verdict) || (res.Hint != "") != tc.hint {
			t.Errorf("%s: observed=%v verdict=%q hint=%q", tc.name, res.Observed, res.Verdict, res.Hint)
		}
	}
}

// The window is chosen from the CPUs.
func TestWindowFromCPUs(t *testing.T) {
	defer func(f func() int) { cpus = f }(cpus)
	cpus = func() int { return 1 }
	if w, s := window(&Options{Window: "auto"}); w != "spin" || s != stepsOneCPU {
		t.Errorf("one CPU: %s %d", w, s)
	}
	cpus = func() int { return 2 }
	if w, s := window(&Options{Window: "auto"}); w != "spin" || s != stepsParallel {
		t.Errorf("two CPUs: %s %d", w, s)
	}
	if w, s := window(&Options{Window: "none"}); w != "none" || s != 0 {
		t.Errorf("none: %s %d", w, s)
	}
}
