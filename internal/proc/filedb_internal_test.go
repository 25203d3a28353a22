package proc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every allowed database name makes a temporary name that fits in 255
// bytes with os.CreateTemp's suffix, cut on a character boundary; and
// CleanTemp finds a killed writer's file by the same name.
func TestTempPrefixFits(t *testing.T) {
	for _, base := range []string{"db.json", strings.Repeat("x", MaxDBName), strings.Repeat("é", MaxDBName/2)} {
		p := tempPrefix(base, 4194304)
		if n := len(p) + 10; n > nameMax {
			t.Errorf("%d-byte name: temporary names of up to %d bytes", len(base), n)
		}
		if !utf8.ValidString(p) {
			t.Errorf("%d-byte name: prefix %q splits a character", len(base), p)
		}
		if len(base) < 100 && p != "."+base+".4194304.tmp-" {
			t.Errorf("a short name was changed: %q", p)
		}
		dir := t.TempDir()
		stray := filepath.Join(dir, tempPrefix(base, 4242)+"1234567890")
		if err := os.WriteFile(stray, []byte("{"), 0o600); err != nil {
			t.Fatalf("%d-byte name: %v", len(base), err)
		}
		if err := OpenFileDB(filepath.Join(dir, base)).CleanTemp(4242); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stray); err == nil {
			t.Errorf("%d-byte name: CleanTemp missed %s", len(base), filepath.Base(stray))
		}
	}
}
