package ipcpipe

import (
	"strings"
	"testing"
)

func TestConcludeFails(t *testing.T) {
	good := Metrics{End: "close", Duplex: true, Sent: []string{"a", "b"}, Received: []string{"a", "b"}, EndOfStream: true, ThirdWaitMs: 0.2}
	for _, tc := range []struct {
		name    string
		edit    func(*Metrics)
		ok      bool
		verdict string
	}{
		{"good", func(*Metrics) {}, true, "end of stream"},
		{"slow", func(m *Metrics) { m.ThirdWaitMs = 900 }, false, "not \"at once\""},
		{"lost", func(m *Metrics) { m.Received = m.Received[:1] }, false, "bug"},
		{"one way", func(m *Metrics) { m.Duplex = false }, false, "both ways"},
		{"wrong end", func(m *Metrics) { m.EndOfStream, m.Third = false, "boom" }, false, "not the expected end"},
	} {
		m := good
		m.Received = append([]string(nil), good.Received...)
		tc.edit(&m)
		res := conclude(m)
		if res.Observed != tc.ok || !strings.Contains(res.Verdict, tc.verdict) {
			t.Errorf("%s: observed %v verdict %q", tc.name, res.Observed, res.Verdict)
		}
	}
}
