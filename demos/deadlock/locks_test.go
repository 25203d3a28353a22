package deadlock

import (
	"slices"
	"testing"
)

func graph(holder, waiting map[string]string) *table {
	return &table{holder: holder, waiting: waiting}
}

func TestCycleFrom(t *testing.T) {
	for _, tc := range []struct {
		name            string
		holder, waiting map[string]string
		from            string
		want            []string
	}{
		{"two workers", map[string]string{"lock-A": "w1", "lock-B": "w2"}, map[string]string{"w1": "lock-B", "w2": "lock-A"},
			"w2", []string{"w1", "lock-B", "w2", "lock-A"}},
		{"a chain is no cycle", map[string]string{"lock-A": "w1", "lock-B": "w2"}, map[string]string{"w1": "lock-B"},
			"w1", nil},
		{"waiting for a free lock", map[string]string{"lock-A": "w1"}, map[string]string{"w1": "lock-B", "w2": "lock-A"},
			"w2", nil},
		{"a cycle elsewhere", map[string]string{"lock-A": "w1", "lock-B": "w2", "lock-C": "w3"},
			map[string]string{"w1": "lock-B", "w2": "lock-A", "w3": "lock-A"}, "w3", nil},
		{"three", map[string]string{"lock-A": "w1", "lock-B": "w2", "lock-C": "w3"},
			map[string]string{"w1": "lock-B", "w2": "lock-C", "w3": "lock-A"}, "w3", []string{"w1", "lock-B", "w2", "lock-C", "w3", "lock-A"}},
	} {
		if got := graph(tc.holder, tc.waiting).cycleFrom(tc.from); !slices.Equal(got, tc.want) {
			t.Errorf("%s: cycle %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	got := describe([]string{"w1", "lock-B", "w2", "lock-A"})
	want := "w1 holds lock-A and waits for lock-B, held by w2; w2 holds lock-B and waits for lock-A, held by w1"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
