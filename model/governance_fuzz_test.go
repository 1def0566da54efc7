package model

import (
	"testing"
	"time"
)

// FuzzGovernanceSettings: org set --four-eyes and --inactive-after read
// anything without panicking; what they accept is a known class list, and
// a period of at least a day or off, which reads back the same.
func FuzzGovernanceSettings(f *testing.F) {
	for _, s := range []string{"all", "none", "domain-delete,broadcast", " sending-rule ", "90d", "off", "2160h", "-1d", "99999999999d", "1e9h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if cs, err := ParseFourEyes(s); err == nil {
			for _, c := range cs {
				if !(Enterprise{}).NeedsFourEyes(c) {
					t.Fatalf("ParseFourEyes(%q) gave an unknown class %q", s, c)
				}
			}
		}
		d, err := ParseInactiveAfter(s)
		if err != nil {
			return
		}
		if d < 0 {
			if d != -1 {
				t.Fatalf("ParseInactiveAfter(%q) = %v", s, d)
			}
			return
		}
		back, err := ParseInactiveAfter(FormatInactiveAfter(time.Duration(d), true))
		if err != nil || back != d {
			t.Fatalf("ParseInactiveAfter(%q) = %v, which reads back as %v, %v", s, d, back, err)
		}
	})
}
