package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docs/json.md is the contract autograders code against: every scenario
// has a section there, and every metric a scenario declares is described.
func TestJSONDocCoversEveryMetric(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "json.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, d := range Registry() {
		head := "### `" + d.Name + "` (" + d.ID + ")"
		i := strings.Index(doc, head)
		if i < 0 {
			t.Errorf("docs/json.md has no section %q", head)
			continue
		}
		section := doc[i+len(head):]
		if j := strings.Index(section, "\n### "); j >= 0 {
			section = section[:j]
		}
		for _, m := range metricNames(d.Metrics) {
			if !strings.Contains(section, "`"+m+"`") {
				t.Errorf("docs/json.md, section %s: metric %q is not described", d.Name, m)
			}
		}
	}
}
