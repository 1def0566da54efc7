package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in     string
		utf8   bool
		want   string // "" when refused
		code   int
		reason string
	}{
		{in: "zhangsan@example.com", want: "zhangsan@example.com"},
		{in: "Zhang.San+tag@Example.COM", want: "Zhang.San+tag@example.com"},
		{in: "a@b.c.", want: "a@b.c"},
		{in: "o'brien@outside.test", want: "o'brien@outside.test"},
		{in: "张三@例子.中国", utf8: true, want: "张三@xn--fsqu00a.xn--fiqs8s"},
		{in: "张三@example.com", code: 553, reason: "SMTPUTF8"},
		{in: "v@ext@example.com", code: 501, reason: "exactly one"},
		{in: "victim%outside.test@example.com", code: 550, reason: "routing"},
		{in: "outside.test!victim@example.com", code: 550, reason: "routing"},
		{in: "@relay.test:victim@outside.test", code: 501, reason: "source routes"},
		{in: "victim@[192.0.2.1]", code: 550, reason: "literals"},
		{in: "a b@example.com", code: 501},
		{in: "a\r\nRCPT TO:<x@y.z>@example.com", code: 501},
		{in: "\"quoted\"@example.com", code: 501},
		{in: ".a@example.com", code: 501},
		{in: "a..b@example.com", code: 501},
		{in: "a@localhost", code: 550, reason: "no dot"},
		{in: "a@-bad.example", code: 501},
		{in: "a@exa_mple.com", code: 501},
		{in: strings.Repeat("a", 65) + "@example.com", code: 501},
		{in: "a@" + strings.Repeat("b", 64) + ".com", code: 501},
		{in: "x@ex\u0430mple.com", code: 553}, // Cyrillic а without SMTPUTF8
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.in, tt.utf8)
		if tt.want != "" {
			if err != nil {
				t.Errorf("ParsePath(%q) refused: %v", tt.in, err)
			} else if p.String() != tt.want {
				t.Errorf("ParsePath(%q) = %q, want %q", tt.in, p, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParsePath(%q) = %q, want a refusal", tt.in, p)
			continue
		}
		pe := err.(*pathError)
		if pe.code != tt.code || !strings.Contains(pe.msg, tt.reason) {
			t.Errorf("ParsePath(%q): %d %q, want %d mentioning %q", tt.in, pe.code, pe.msg, tt.code, tt.reason)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"a@b.c", "张三@例子.中国", "\"a@b\"@c.d", "a%b@c.d", "@r:a@b.c", "a@[1.2.3.4]", "a\x00@b.c"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, u bool) {
		p, err := ParsePath(s, u)
		if err != nil {
			if _, ok := err.(*pathError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		out := p.String()
		if strings.ContainsAny(out, "\r\n\x00 <>\"") || strings.Count(out, "@") != 1 || !utf8.ValidString(out) {
			t.Fatalf("ParsePath(%q) let %q through", s, out)
		}
		if !u && p.UTF8 {
			t.Fatalf("ParsePath(%q) took UTF-8 without SMTPUTF8", s)
		}
		// Parsing the result again gives the same address.
		again, err := ParsePath(out, true)
		if err != nil || again.String() != out {
			t.Fatalf("ParsePath(%q) = %q, which parses again as %q, %v", s, out, again, err)
		}
	})
}
