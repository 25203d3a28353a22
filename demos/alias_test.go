package demos_test

import (
	"strings"
	"testing"

	"github.com/pardemo/pardemo/demos"
)

type aliasOpts struct {
	RunAs string
	Items int
}

func aliasDemo() demos.Demo {
	return demos.Scenario[aliasOpts, paramMetrics]{Name: "t", ID: "T0",
		Knobs: func(k *demos.Knobs, o *aliasOpts) {
			k.Choice(&o.RunAs, "run-as", "what carries the work", "goroutines", "goroutines", "processes")
			k.AliasBool("processes", "run-as", "processes", "goroutines")
			k.Int(&o.Items, "items", "items", 5, 1, 20)
			k.Alias("rounds", "items")
		}}.Demo()
}

// A deprecated spelling sets the renamed knob, is reported as the new one,
// and says what to type instead.
func TestAliasSetsTheRenamedKnob(t *testing.T) {
	for _, tc := range []struct {
		old, val, knob, want, note string
	}{
		{"processes", "true", "run-as", "processes", "--processes is deprecated and goes away in the next release: use --run-as processes"},
		{"processes", "false", "run-as", "goroutines", "use --run-as goroutines"},
		{"processes", "off", "run-as", "goroutines", "use --run-as goroutines"},
		{"rounds", "7", "items", "7", "--rounds 7 is deprecated and goes away in the next release: use --items 7"},
	} {
		b := aliasDemo().Bind()
		note, err := b.SetAlias(tc.old, tc.val)
		if err != nil {
			t.Fatalf("--%s %s: %v", tc.old, tc.val, err)
		}
		if got := b.Text(tc.knob); got != tc.want {
			t.Errorf("--%s %s: --%s = %q, want %q", tc.old, tc.val, tc.knob, got, tc.want)
		}
		if !strings.Contains(note, tc.note) || strings.Contains(note, "\n") {
			t.Errorf("--%s %s: note %q, want one line with %q", tc.old, tc.val, note, tc.note)
		}
		if g := b.Given(); len(g) != 1 || g[0].Name != tc.knob {
			t.Errorf("--%s: Given() = %v, want the new name %s", tc.old, g, tc.knob)
		}
		// Set accepts the old spelling too (tests, scripts).
		b2 := aliasDemo().Bind()
		if err := b2.Set(tc.old, tc.val); err != nil || b2.Text(tc.knob) != tc.want {
			t.Errorf("Set(%s, %s): %v, --%s = %q", tc.old, tc.val, err, tc.knob, b2.Text(tc.knob))
		}
	}
	// The old spelling is checked like the new one.
	b := aliasDemo().Bind()
	if _, err := b.SetAlias("rounds", "99"); err == nil {
		t.Error("--rounds 99 accepted, want the bound of --items")
	}
	if _, err := b.SetAlias("processes", "maybe"); err == nil || err.Error() != "want true or false" {
		t.Errorf("--processes maybe: %v, want \"want true or false\"", err)
	}
	// Hidden from the knob list.
	for _, p := range b.Params() {
		if p.Name == "processes" || p.Name == "rounds" {
			t.Errorf("alias --%s is listed among the knobs", p.Name)
		}
	}
	if len(b.Aliases()) != 2 {
		t.Errorf("Aliases() = %v, want 2", b.Aliases())
	}
}

func TestAliasOfUnknownKnobPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an alias of an undeclared knob did not panic")
		}
	}()
	demos.Scenario[aliasOpts, paramMetrics]{Name: "t", ID: "T0",
		Knobs: func(k *demos.Knobs, o *aliasOpts) { k.Alias("form", "run-as") }}.Demo().Bind()
}

func TestParseBoolWording(t *testing.T) {
	for _, s := range []string{"true", "yes", "on", "1", "TRUE"} {
		if b, err := demos.ParseBool(s); err != nil || !b {
			t.Errorf("ParseBool(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"false", "no", "off", "0"} {
		if b, err := demos.ParseBool(s); err != nil || b {
			t.Errorf("ParseBool(%q) = %v, %v", s, b, err)
		}
	}
	if _, err := demos.ParseBool("maybe"); err == nil || err.Error() != "want true or false" {
		t.Errorf("ParseBool(maybe) = %v", err)
	}
}
