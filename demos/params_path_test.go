package demos_test

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
)

func TestPath(t *testing.T) {
	v := demos.NewValues([]demos.Param{demos.Path("db", "the database")})
	if v.String("db") != "" || v.Changed("db") {
		t.Fatalf("default = %q, want empty (not given)", v.String("db"))
	}
	for _, s := range []string{"tickets.json", "/tmp/a b/ä.json", "../x"} {
		if err := v.Set("db", s); err != nil || v.String("db") != s {
			t.Errorf("--db %q: %v (got %q)", s, err, v.String("db"))
		}
	}
	for _, s := range []string{"a\x00b", strings.Repeat("x", 5000)} {
		if err := v.Set("db", s); err == nil {
			t.Errorf("--db %.20q… accepted", s)
		}
	}
}
