package demos

import "testing"

// A float knob reads decimal numbers only, and refuses one too small to
// tell from 0 instead of reading it as 0.
func TestParseFloatRefusesHexAndUnderflow(t *testing.T) {
	for _, s := range []string{"0x1p-2000", "0x1p-2", "0X10", "1e-400", "-1e-400"} {
		if f, err := ParseFloat(s, -1, 1); err == nil {
			t.Errorf("ParseFloat(%q) = %v, want an error", s, f)
		}
	}
	for s, want := range map[string]float64{"0": 0, "0.0": 0, "-0": 0, "0e-999": 0, "0.0000e-999999": 0, "1e-300": 1e-300, " 0.25 ": 0.25, "1E-1": 0.1} {
		if f, err := ParseFloat(s, -1, 1); err != nil || f != want {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v", s, f, err, want)
		}
	}
}
